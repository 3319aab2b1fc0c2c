# shellcheck shell=bash
# Shared by the loadtest/*.sh scripts (sourced after they cd to the repository root).

# A port on 127.0.0.1 that is free now: the OS picks it, so runs never collide on a fixed port.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# wait_for_port PORT PID: polls (at most 30 s) until 127.0.0.1:PORT accepts a connection.
# Fails as soon as PID has exited, or when the time is up.
wait_for_port() {
  local port=$1 pid=$2 _
  for _ in $(seq 1 150); do
    if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then return 0; fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}
