#!/usr/bin/env bash
# Screenshot of the TUI in what-if mode, from a real run: the built-in
# demo in tmux, the management router found with `/`, its breaker tripped
# with `t`, the cursor moved up onto the breaker. Writes
#   assets/tui-whatif.ansi  the screen with its colours (cat it in a terminal)
#   assets/tui-whatif.txt   the same as plain text
#   assets/tui-whatif.png   rendered by assets/ansi2png.py (needs Pillow)
# Needs tmux. Uses a private tmux server, so it never touches yours.
set -euo pipefail
cd "$(dirname "$0")/.."

COLS=${COLS:-140}
ROWS=${ROWS:-42}
SOCK="faultline-shot-$$"
tmux_() { tmux -L "$SOCK" -f /dev/null "$@"; }
cleanup() { tmux_ kill-server 2>/dev/null || true; }
trap cleanup EXIT

cargo build --release --quiet
tmux_ new-session -d -s shot -x "$COLS" -y "$ROWS" \
    "env TERM=xterm-256color ./target/release/faultline; sleep 5"

# Wait until the screen shows $1 (at most 20 s).
wait_for() {
    for _ in $(seq 200); do
        if tmux_ capture-pane -t shot -p | grep -qF -- "$1"; then
            return 0
        fi
        sleep 0.1
    done
    echo "screenshot.sh: never saw \"$1\" on screen:" >&2
    tmux_ capture-pane -t shot -p >&2
    exit 1
}

wait_for "Power tree"
tmux_ send-keys -t shot "/"
tmux_ send-keys -t shot -l "mgmt-r"
wait_for "mgmt-router"
tmux_ send-keys -t shot Enter
tmux_ send-keys -t shot "t"
wait_for "CRITICAL DOWN"
tmux_ send-keys -t shot "k"
tmux_ send-keys -t shot "k"
wait_for "cb-a-r01  breaker  FAILED"
sleep 0.5

tmux_ capture-pane -t shot -p -e > assets/tui-whatif.ansi
tmux_ capture-pane -t shot -p > assets/tui-whatif.txt
tmux_ send-keys -t shot "q"

if python3 -c 'import PIL' 2>/dev/null; then
    python3 assets/ansi2png.py assets/tui-whatif.ansi assets/tui-whatif.png "$COLS" "$ROWS"
    echo "wrote assets/tui-whatif.png"
else
    echo "screenshot.sh: Pillow is missing (pip install pillow), so no PNG; the .ansi and .txt are written" >&2
fi
