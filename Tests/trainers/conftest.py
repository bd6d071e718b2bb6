"""Shared fixtures of the trainer tests (Tests/trainers, `make trainer-test`, run in .venv-trainers).

These tests drive the trainers' own code (OpenRLHF 0.11.2, TRL 1.16, verl 0.9.1, installed from PyPI by
scripts/trainer-env.sh) against the real release binary `.build/release/coreward` (or $COREWARD_BIN). No model
hub is reachable, so tokenizers and models are built here, locally, from the shared rollouts.

The one reference every test compares with: `expected_rewards`, POST /v1/reward on the same groups with each
view's responses sorted by their UTF-8 bytes (the order /get_reward votes in, which decides ties).
"""
import json
import os
import pathlib
import sys
import time

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))  # verl_fixtures.py and friends
# The working tree's client, before any installed copy, for every test module of this directory (whichever
# imports coreward_client first decides which copy all of them get).
sys.path.insert(0, str(REPO / "clients" / "python"))
sys.path.insert(0, str(REPO / "Tests"))
from coreward_process import SHARED, CorewardProcess  # noqa: E402
ROLLOUTS = SHARED / "data" / "rollouts" / "math_qwen25math_instruct_n8.jsonl"
# A different prefix per pytest run: pair ids never repeat between runs against one server.
RUN = f"run{os.getpid()}-{int(time.time())}"


class Server(CorewardProcess):
    """A running coreward process (`coreward serve`), on `port` (0: any free port)."""

    def __init__(self, *flags, port=0):
        super().__init__(*flags, port=port, log_prefix="coreward-trainers-")

    def client(self, **kwargs):
        from coreward_client import Client
        return Client(self.url, **kwargs)


@pytest.fixture(scope="session")
def server():
    running = Server("--drain-timeout-seconds", "5", "--assembly-timeout-seconds", "60")
    yield running
    running.stop()


@pytest.fixture
def start_server():
    """Starts servers with extra flags (and port=); stops them after the test."""
    started = []

    def start(*flags, port=0):
        running = Server(*flags, port=port)
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()


@pytest.fixture(scope="session")
def rollouts():
    """The shared Qwen2.5-Math rollouts: {name: {"question", "answer", "responses" (8)}}."""
    with open(ROLLOUTS, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return {row["id"]: row for row in rows}


def expected_rewards(client, views):
    """Per view, {response text: reward}: POST /v1/reward (co_reward, math, binary) on one group whose views hold
    `views` (lists of response texts), each view sorted by UTF-8 bytes."""
    ordered = [sorted(texts, key=lambda t: t.encode("utf-8")) for texts in views]
    answer = client.reward([{"views": [{"responses": texts} for texts in ordered]}])
    return [dict(zip(texts, view["rewards"])) for texts, view in zip(ordered, answer["groups"][0]["views"])]


@pytest.fixture(scope="session")
def bpe_tokenizer(tmp_path_factory, rollouts):
    """A byte-level BPE tokenizer trained here on the rollouts (decode(encode(text)) == text for all of them),
    saved as a transformers PreTrainedTokenizerFast with a chat template; returns its directory."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    out = tmp_path_factory.mktemp("bpe")
    corpus = [text for row in rollouts.values() for text in (row["question"], *row["responses"])]
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(corpus, trainers.BpeTrainer(
        vocab_size=2000, special_tokens=["<unk>", "<s>", "</s>", "<pad>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", pad_token="<pad>",
                                   unk_token="<unk>", clean_up_tokenization_spaces=False)
    fast.chat_template = ("{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"
                          "{% if add_generation_prompt %}assistant: {% endif %}")
    fast.save_pretrained(str(out))
    return out


@pytest.fixture(scope="session")
def boxed_model(tmp_path_factory):
    """A tiny random Llama (1 layer, hidden 16) and a word-level tokenizer whose words include \\boxed{0} and
    \\boxed{1}, so a sampled completion often holds an answer; returns its directory."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    out = tmp_path_factory.mktemp("boxed")
    words = (["<unk>", "<pad>", "<s>", "</s>", "\\boxed{0}", "\\boxed{1}", "so", "the", "answer", "is", "Q", "?",
              "view", "0", "1"] + [f"q{i}" for i in range(16)])
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.decoder = decoders.WordPiece(prefix="##")  # joins the words with spaces
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", pad_token="<pad>",
                                   unk_token="<unk>")
    fast.save_pretrained(str(out))
    config = LlamaConfig(vocab_size=len(words), hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                         num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=128,
                         pad_token_id=1, bos_token_id=2, eos_token_id=3)
    LlamaForCausalLM(config).save_pretrained(str(out))
    return out
