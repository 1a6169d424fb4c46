#!/usr/bin/env bash
# Installs what Kaikukortti needs on Debian 12 (as root, or through sudo): PostgreSQL 15, RabbitMQ, and Chromium for
# the dashboard's browser tests (Playwright drives Debian's /usr/bin/chromium; it downloads no browser of its own).
# Fast when everything is already there. The .NET 10 SDK must be on PATH already (Debian does not package it).
set -euo pipefail

missing=()
[ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql-15)
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing ${missing[*]} ..."
  $sudo apt-get update -qq
  # The packages' own services are not used: AppHost and the tests run private servers as child processes.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null || ! dotnet --list-sdks | grep -q '^10\.'; then
  echo "The .NET 10 SDK is required (https://learn.microsoft.com/dotnet/core/install/linux-debian)." >&2
  exit 1
fi
