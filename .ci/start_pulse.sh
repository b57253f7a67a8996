#!/bin/bash
# Start a user-mode PulseAudio daemon (works as root, no sound card) with a null sink
# "vsink" whose monitor is remapped as the default source "vmic": whatever we play can be
# recorded back. Idempotent. Run it BEFORE anything imports sounddevice (PortAudio lists
# devices at import), and export the same XDG_RUNTIME_DIR to the processes that use audio:
#   export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp/massage-coach-xdg}; .ci/start_pulse.sh
set -euo pipefail
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp/massage-coach-xdg}
mkdir -p "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
if pactl info >/dev/null 2>&1; then
    echo "pulseaudio already running (XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR)"
    exit 0
fi
pulseaudio --daemonize=yes --exit-idle-time=-1 --disallow-exit=yes --use-pid-file=yes \
    --log-target="file:$XDG_RUNTIME_DIR/pulse.log" --log-level=notice \
    -n --load="module-native-protocol-unix auth-anonymous=1" \
    --load="module-null-sink sink_name=vsink rate=48000 sink_properties=device.description=VirtualSink" \
    --load="module-remap-source source_name=vmic master=vsink.monitor source_properties=device.description=VirtualMic" \
    --load="module-always-sink"
for _ in $(seq 50); do
    pactl info >/dev/null 2>&1 && break
    sleep 0.1
done
pactl set-default-sink vsink
pactl set-default-source vmic
pactl info | grep -E 'Server String|Default Sink|Default Source'
