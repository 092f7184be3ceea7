#!/usr/bin/env bash
# A single-node Apache Kafka broker (KRaft, broker+controller) without Docker.
#   kafka.sh install   resolve the broker jars through Maven into $KAFKA_DIR/libs (once)
#   kafka.sh start     install, format storage once, start in the background, wait until it answers
#   kafka.sh stop      stop the broker this script started
#   kafka.sh status    exit 0 when a broker answers on the port
#   kafka.sh run       like start, but in the foreground (for supervisors)
# Env: KAFKA_DIR (default <repo>/.data/kafka), KAFKA_LIBS (<KAFKA_DIR>/libs), KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (port+1),
#      KAFKA_HEAP_OPTS (-Xms256m -Xmx768m).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
dir=${KAFKA_DIR:-$root/.data/kafka}
port=${KAFKA_PORT:-9092}
cport=${KAFKA_CONTROLLER_PORT:-$((port + 1))}
libs=${KAFKA_LIBS:-$dir/libs}  # KAFKA_LIBS: share the resolved jars between brokers
data=$dir/data
conf=$dir/server.properties
pidfile=$dir/kafka.pid
version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")

log() { echo "[kafka] $*" >&2; }

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

running_pid() {
  [ -f "$pidfile" ] || return 1
  local pid; pid=$(cat "$pidfile")
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

install() {
  # The marker names the version, so a pom change re-resolves the jars.
  if [ -f "$libs/.installed-$version" ]; then return 0; fi
  command -v mvn >/dev/null || { log "Maven is missing: install Java 17 and Maven (apt-get install maven openjdk-17-jre-headless)"; exit 1; }
  log "resolving Apache Kafka $version through Maven into $libs"
  rm -rf "$libs"; mkdir -p "$libs"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$libs" >&2
  touch "$libs/.installed-$version"
}

configure() {
  mkdir -p "$data"
  cat > "$conf" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$data
num.partitions=3
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=-1
log.cleaner.dedupe.buffer.size=16777216
PROPS
  if [ ! -f "$data/meta.properties" ]; then
    local id; id=$(java -cp "$libs/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)
    log "formatting KRaft storage in $data (cluster $id)"
    java -cp "$libs/*" -Dlog4j2.configurationFile="$here/log4j2.properties" -Dkafka.logs.dir="$dir" \
      kafka.tools.StorageTool format --standalone -t "$id" -c "$conf" >&2
  fi
}

java_cmd() {
  local heap; read -r -a heap <<< "${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"
  cmd=(java "${heap[@]}" -XX:+UseG1GC -Djava.awt.headless=true
    -Dlog4j2.configurationFile="$here/log4j2.properties" -Dkafka.logs.dir="$dir"
    -cp "$libs/*" kafka.Kafka "$conf")
}

case "${1:-}" in
  install) install ;;
  status)
    if answers; then echo "kafka answers on 127.0.0.1:$port"; else echo "no kafka on 127.0.0.1:$port"; exit 1; fi ;;
  start)
    if answers; then log "a broker already answers on 127.0.0.1:$port"; exit 0; fi
    install; configure
    log "starting Apache Kafka $version on 127.0.0.1:$port (data in $data)"
    # setsid: the broker outlives this script and is not hit by the caller's Ctrl-C twice.
    java_cmd; setsid "${cmd[@]}" > "$dir/stdout.log" 2>&1 < /dev/null &
    echo $! > "$pidfile"
    for _ in $(seq 1 240); do
      if answers; then log "ready"; exit 0; fi
      if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then log "broker exited; see $dir/server.log and $dir/stdout.log"; tail -n 20 "$dir/stdout.log" >&2; exit 1; fi
      sleep 0.5
    done
    log "broker did not answer within 120 s"; exit 1 ;;
  run)
    install; configure
    java_cmd; exec "${cmd[@]}" ;;
  stop)
    if pid=$(running_pid); then
      kill "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
      log "stopped"
    else
      log "no broker started by this script is running"
    fi
    rm -f "$pidfile" ;;
  *) echo "usage: $0 install|start|stop|status|run" >&2; exit 2 ;;
esac
