#!/bin/sh
# App mode for a classroom projector: serve a notebook folder with Voilà, code hidden,
# bound to 127.0.0.1 only, idle kernels culled (each page load starts a kernel).
#
#   scripts/present.sh [FOLDER] [PORT] [extra Voilà options...]
#
# `make present` runs this with notebooks/ and port 8866. BIN (default .venv/bin) and
# PRESENT_CULL (idle seconds before a kernel is shut down, default 300) come from the
# environment. `exec` makes the process ID the server's, so it can be stopped by that PID.
#
# The "silson" template (present/voila/templates/silson, found through JUPYTER_PATH) gives
# projector text (20 px), hides cells tagged lab-only or teacher, and a Korean launcher
# page listing the notebooks with one line each.
#
# Now and then the server's kernel client is not woken for a cell's reply (the kernel
# idle, the reply sent); it finds the reply only when it looks again. Its channels look
# again every 0.25 s (silson_tools.teaching.kernel_client), and each cell gets 120 s
# (VoilaExecutor.timeout; every cell here takes seconds) so nothing loads forever.
set -eu

BIN="${BIN:-.venv/bin}"
FOLDER="${1:-notebooks}"
PORT="${2:-8866}"
[ $# -gt 0 ] && shift
[ $# -gt 0 ] && shift
HERE="$(cd "$(dirname "$0")/.." && pwd)"
JUPYTER_PATH="$HERE/present${JUPYTER_PATH:+:$JUPYTER_PATH}"
export JUPYTER_PATH

exec "$BIN/voila" "$FOLDER" \
    --Voila.ip=127.0.0.1 --port="$PORT" --no-browser \
    --template=silson \
    --strip_sources=True --show_tracebacks=False \
    --MappingKernelManager.cull_idle_timeout="${PRESENT_CULL:-300}" \
    --MappingKernelManager.cull_interval=60 \
    --VoilaExecutor.timeout=120 \
    --AsyncKernelManager.client_class=silson_tools.teaching.kernel_client.WakefulKernelClient \
    "$@"
