#!/usr/bin/env bash
# Runs a command inside a private D-Bus session bus with a throwaway, unlocked gnome-keyring,
# after checking that the keyring answers (a store and a lookup through the Secret Service).
# Usage: scripts/with-keyring.sh COMMAND [ARGS...]
# Needs: dbus-daemon (dbus-run-session), gnome-keyring, libsecret-tools (secret-tool).
set -euo pipefail

if [ -z "${ZA_KEYRING_INNER:-}" ]; then
  for tool in dbus-run-session gnome-keyring-daemon secret-tool; do
    command -v "$tool" >/dev/null || { echo "with-keyring: $tool is missing (apt-get install dbus-daemon gnome-keyring libsecret-tools)" >&2; exit 3; }
  done
  ZA_KEYRING_INNER=1 exec dbus-run-session -- "$0" "$@"
fi
unset ZA_KEYRING_INNER

# A keyring folder of our own, removed when we leave.
data_dir=$(mktemp -d "${TMPDIR:-/tmp}/zenml-api-keyring.XXXXXX")
trap 'rm -rf "$data_dir"' EXIT
export XDG_DATA_HOME="$data_dir"
mkdir -p "$data_dir/keyrings"
printf login > "$data_dir/keyrings/default"   # make the login keyring the default collection
# No display: the keyring must never try to show a prompt.
unset DISPLAY WAYLAND_DISPLAY

# --unlock reads the (throwaway, empty) password from stdin, creates the login keyring and unlocks it.
eval "$(printf 'throwaway' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL

probe="probe-$$"
ok=""
for _ in 1 2 3 4 5 6 7 8 9 10; do
  if printf 'ok' | timeout 5 secret-tool store --label=zenml-api-probe service zenml-api-probe account "$probe" 2>/dev/null \
    && [ "$(timeout 5 secret-tool lookup service zenml-api-probe account "$probe" 2>/dev/null)" = "ok" ]; then
    ok=1
    break
  fi
  sleep 0.3
done
if [ -z "$ok" ]; then
  echo "with-keyring: the throwaway gnome-keyring did not answer a store and a lookup" >&2
  exit 3
fi
timeout 5 secret-tool clear service zenml-api-probe account "$probe" || true
export ZENML_API_TEST_KEYCHAIN=required
"$@"
