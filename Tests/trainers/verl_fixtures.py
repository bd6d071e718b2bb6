"""Fixtures for test_verl.py: the real coreward binary, a tokenizer trained here on the real rollouts, verl's
config composed from a shipped example script, and the groups /v1/reward scores.

Imported by test_verl.py (not a conftest.py: Tests/trainers/conftest.py belongs to the shared trainer tests).
"""
import json
import os
import pathlib
import shlex
import subprocess
import sys
import urllib.request

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests"))
from coreward_process import SHARED, CorewardProcess  # noqa: E402
EXAMPLES = REPO / "clients" / "python" / "examples" / "verl"
ROLLOUTS = SHARED / "data" / "rollouts" / "math_qwen25math_instruct_n8.jsonl"

if str(REPO / "clients" / "python") not in sys.path:
    sys.path.insert(0, str(REPO / "clients" / "python"))  # coreward_client, for verl's pkg:// import too


class Coreward(CorewardProcess):
    """A running `coreward serve` on a free loopback port, with the one call the verl tests make themselves."""

    def __init__(self, *flags):
        super().__init__(*flags, log_prefix="coreward-verl-")

    def reward(self, body):
        """POST /v1/reward; the decoded answer."""
        request = urllib.request.Request(self.url + "/v1/reward", data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())


@pytest.fixture(scope="module")
def coreward():
    """coreward with a short assembly timeout (a group that never completes fails the test in 10 s, not 120 s);
    the guard period stays at its default (60 s)."""
    running = Coreward("--assembly-timeout-seconds", "10", "--drain-timeout-seconds", "5")
    yield running
    running.stop()


@pytest.fixture
def coreward_short_guard():
    """coreward with a 1 s guard period, which a test can wait out."""
    running = Coreward("--assembly-timeout-seconds", "10", "--assembly-guard-seconds", "1",
                       "--drain-timeout-seconds", "5")
    yield running
    running.stop()


def read_rollouts():
    with open(ROLLOUTS, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.fixture(scope="session")
def rollouts():
    return read_rollouts()


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory, rollouts):
    """A byte-level BPE tokenizer trained here on the rollouts (no model hub), with a chat template, and a tiny
    Llama config.json beside it (verl's AgentLoopWorker reads the model's config; no weights are needed)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, PreTrainedTokenizerFast

    corpus = [text for row in rollouts for text in (row["question"], *row["responses"])]
    tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.train_from_iterator(corpus, trainers.BpeTrainer(
        vocab_size=2000, special_tokens=["<unk>", "<s>", "</s>", "<pad>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer, bos_token="<s>", eos_token="</s>", pad_token="<pad>",
                                   unk_token="<unk>", clean_up_tokenization_spaces=False)
    fast.chat_template = ("{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"
                          "{% if add_generation_prompt %}assistant: {% endif %}")
    directory = tmp_path_factory.mktemp("tiny-model")
    fast.save_pretrained(directory)
    LlamaConfig(architectures=["LlamaForCausalLM"], vocab_size=len(fast), hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=32768,
                bos_token_id=fast.bos_token_id, eos_token_id=fast.eos_token_id,
                pad_token_id=fast.pad_token_id).save_pretrained(directory)
    return directory


def example_overrides(script, tmp_path, **env):
    """The Hydra overrides of a shipped example script, exactly as it runs them: the script is run by bash with a
    `python3` on PATH that records its arguments instead of training."""
    shim = tmp_path / "shim"
    shim.mkdir(exist_ok=True)
    (shim / "python3").write_text('#!/bin/sh\nprintf \'%s\\0\' "$@" > "$ARGS_OUT"\n')
    (shim / "python3").chmod(0o755)
    out = tmp_path / f"{script}.args"
    environment = {**os.environ, **env, "PATH": f"{shim}:{os.environ['PATH']}", "ARGS_OUT": str(out)}
    subprocess.run(["bash", str(EXAMPLES / script)], env=environment, check=True, timeout=60)
    args = out.read_bytes().decode().split("\0")[:-1]
    assert args[:2] == ["-m", "verl.trainer.main_ppo"], shlex.join(args[:4])
    return args[2:]


def compose_verl(overrides):
    """verl's own trainer config (ppo_trainer.yaml) with these overrides, as `python3 -m verl.trainer.main_ppo`
    composes it."""
    import verl
    from hydra import compose, initialize_config_dir

    config_dir = os.path.join(os.path.dirname(verl.__file__), "trainer", "config")
    with initialize_config_dir(config_dir=config_dir, version_base=None):
        return compose(config_name="ppo_trainer", overrides=list(overrides))


def by_bytes(texts):
    return sorted(texts, key=lambda text: text.encode("utf-8"))


def expected_rewards(coreward, groups, singles=()):
    """{(pair id, view, text): reward} from /v1/reward mode co_reward on groups ({pair id: [view texts, ...]}),
    each view's responses sorted by their UTF-8 bytes (the order /get_reward's assembly votes in), and
    {(None, None, text): reward} from mode ground_truth for singles ([(text, ground truth)])."""
    table = {}
    ids = list(groups)
    if ids:
        answer = coreward.reward({"mode": "co_reward", "groups": [
            {"views": [{"responses": by_bytes(view)} for view in groups[pid]]} for pid in ids]})
        for pid, group in zip(ids, answer["groups"]):
            for v, (texts, view) in enumerate(zip(groups[pid], group["views"])):
                for text, reward in zip(by_bytes(texts), view["rewards"]):
                    table[(pid, v, text)] = float(reward)
    if singles:
        answer = coreward.reward({"mode": "ground_truth", "groups": [
            {"views": [{"responses": [text]}], "label": truth} for text, truth in singles]})
        for (text, _), group in zip(singles, answer["groups"]):
            table[(None, None, text)] = float(group["views"][0]["rewards"][0])
    return table
