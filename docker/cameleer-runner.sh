#!/bin/sh
# `cameleer-runner` inside the image: the bundled CLI (status, logs, doctor, register, start).
exec node --enable-source-maps /app/runner/dist/cli/runner.mjs "$@"
