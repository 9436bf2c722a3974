#!/usr/bin/env bash
# The README's pictures, from real runs of faultline's own SVG export (no
# Graphviz needed):
#   assets/oneline-incident-01.svg  incident 1's one-line diagram after
#                                   the short in controller/psu1: cb-a
#                                   tripped, everything below it down
#   assets/rack-r01.svg             the demo's rack r01 with its feeds,
#                                   after a short in mgmt-sw/psu1
# With Chromium installed (Debian `chromium`), also renders each to PNG
# next to it, to look at without a browser.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
bin=./target/release/faultline
$bin export layouts/incidents/01-desktop-vpn-gateway.ron --format svg \
    --short controller/psu1 --output assets/oneline-incident-01.svg
$bin export layouts/demo.ron --format svg --racks r01 \
    --short mgmt-sw/psu1 --output assets/rack-r01.svg

if command -v chromium >/dev/null; then
    profile=$(mktemp -d)
    trap 'rm -rf "$profile"' EXIT
    for svg in assets/oneline-incident-01.svg assets/rack-r01.svg; do
        w=$(grep -o 'width="[0-9]*"' "$svg" | head -1 | tr -dc 0-9)
        h=$(grep -o 'height="[0-9]*"' "$svg" | head -1 | tr -dc 0-9)
        chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
            --disable-background-networking --disable-component-update --disable-sync \
            --user-data-dir="$profile" --hide-scrollbars --window-size="$w,$h" \
            --screenshot="${svg%.svg}.png" "file://$PWD/$svg" 2>/dev/null
    done
fi
