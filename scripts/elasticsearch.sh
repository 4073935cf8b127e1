#!/usr/bin/env bash
# Local Elasticsearch node(s) for tests, CI and `make run`, with no Docker.
#
# Uses the "integ-test-zip" distribution from Maven Central (no bundled JDK,
# only a few modules: see docs/elasticsearch.md), cached once in ~/.m2.
#
#   scripts/elasticsearch.sh fetch
#   scripts/elasticsearch.sh start [--name N] [--http-port 9200] [--transport-port 9300]
#                                  [--cluster C] [--seed PORT...] [--initial-masters NAME...]
#                                  [--nodes K] [--heap SIZE] [--wait yellow|green|http|none] [--fresh]
#   scripts/elasticsearch.sh stop [--name N | --all]
#   scripts/elasticsearch.sh kill9 --name N
#   scripts/elasticsearch.sh status
#   scripts/elasticsearch.sh clean [--name N | --all]
#
# `start` prints progress on stderr and only the node URL(s) on stdout, so
#   export ANNUAIRE_TEST_ES_URL=$(scripts/elasticsearch.sh start)
# works. Run `scripts/elasticsearch.sh help` for the environment variables.
set -euo pipefail

VERSION=${ANNUAIRE_ES_VERSION:-8.19.21}
if [[ $EUID -eq 0 ]]; then
    # /root is not traversable by the unprivileged user that runs the node.
    _default_cache=/var/cache/annuaire
else
    _default_cache=${XDG_CACHE_HOME:-$HOME/.cache}/annuaire
fi
ES_HOME=${ANNUAIRE_ES_HOME:-$_default_cache/elasticsearch-$VERSION}
RUN_DIR=${ANNUAIRE_ES_RUN:-/tmp/annuaire-es}
ES_USER=${ANNUAIRE_ES_USER:-annuaire-es}
M2_REPO=${ANNUAIRE_M2_REPO:-$HOME/.m2/repository}
JAVA_HOME_FOR_ES=${ES_JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
START_TIMEOUT=${ANNUAIRE_ES_START_TIMEOUT:-120}
STOP_TIMEOUT=${ANNUAIRE_ES_STOP_TIMEOUT:-30}
GROUP_ID=org.elasticsearch.distribution.integ-test-zip
ARTIFACT_ID=elasticsearch
ZIP=$M2_REPO/${GROUP_ID//.//}/$ARTIFACT_ID/$VERSION/$ARTIFACT_ID-$VERSION.zip

say() { echo "$*" >&2; }
die() { echo "elasticsearch.sh: $*" >&2; exit 1; }

usage() {
    sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"
    cat <<EOF

Environment (current value):
  ANNUAIRE_ES_VERSION        Elasticsearch version ($VERSION)
  ANNUAIRE_ES_HOME           unzipped distribution ($ES_HOME)
  ANNUAIRE_ES_RUN            per-node config/data/logs dirs ($RUN_DIR)
  ANNUAIRE_ES_USER           user running the nodes when run as root ($ES_USER)
  ANNUAIRE_ES_HEAP           JVM heap per node (1g single node, 512m with --seed/--nodes)
  ANNUAIRE_ES_JAVA_OPTS      extra JVM options for the nodes (${ANNUAIRE_ES_JAVA_OPTS:-none})
  ANNUAIRE_ES_START_TIMEOUT  seconds to wait for a node ($START_TIMEOUT)
  ANNUAIRE_ES_STOP_TIMEOUT   seconds between SIGTERM and SIGKILL ($STOP_TIMEOUT)
  ANNUAIRE_M2_REPO           local Maven repository ($M2_REPO)
  ES_JAVA_HOME               JDK running the nodes ($JAVA_HOME_FOR_ES)
EOF
}

# --------------------------------------------------------------------- fetch
cmd_fetch() {
    [[ -x $ES_HOME/bin/elasticsearch ]] && return 0
    command -v unzip >/dev/null || die "unzip is required (apt-get install unzip)"
    mkdir -p "$(dirname "$ES_HOME")"
    exec 9>"$ES_HOME.lock"
    flock 9 # concurrent fetches (parallel CI jobs) wait for the first one
    [[ -x $ES_HOME/bin/elasticsearch ]] && return 0
    if [[ ! -f $ZIP ]]; then
        command -v mvn >/dev/null || die "mvn is required to fetch $GROUP_ID:$ARTIFACT_ID:$VERSION"
        say "fetching $GROUP_ID:$ARTIFACT_ID:$VERSION:zip from Maven Central into $M2_REPO"
        local tmp
        tmp=$(mktemp -d)
        if ! mvn -q -B -Dstyle.color=never org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
            -Dmaven.repo.local="$M2_REPO" -Dartifact="$GROUP_ID:$ARTIFACT_ID:$VERSION:zip" \
            -DoutputDirectory="$tmp/out" >"$tmp/mvn.log" 2>&1; then
            cat "$tmp/mvn.log" >&2; rm -rf "$tmp"
            die "mvn could not fetch $GROUP_ID:$ARTIFACT_ID:$VERSION:zip"
        fi
        rm -rf "$tmp"
        [[ -f $ZIP ]] || die "mvn succeeded but $ZIP is missing"
    fi
    say "unzipping into $ES_HOME"
    local staging=$ES_HOME.partial
    rm -rf "$staging" && mkdir -p "$staging"
    unzip -q "$ZIP" -d "$staging"
    mkdir -p "$staging/elasticsearch-$VERSION/plugins"
    chmod -R a+rX "$staging"
    mv "$staging/elasticsearch-$VERSION" "$ES_HOME"
    rm -rf "$staging"
}

# ------------------------------------------------------------------- helpers
node_dir() { echo "$RUN_DIR/$1"; }

# Pid of the node's server JVM, or nothing. Each node has its own ES_TMPDIR,
# which shows in the JVM command line: a recycled pid is never taken for it.
node_pid() {
    local marker pid
    marker="-Djava.io.tmpdir=$(node_dir "$1")/tmp"
    for pid in $(pgrep -f -- "$marker" 2>/dev/null || true); do
        if tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "$marker" \
            && tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF org.elasticsearch.server/org.elasticsearch.bootstrap.Elasticsearch; then
            echo "$pid"; return 0
        fi
    done
    return 0
}

# Pid of the launcher (runuser/CLI) of the node while it is alive, or nothing.
launcher_pid() {
    local dir pid
    dir=$(node_dir "$1")
    pid=$(cat "$dir/launcher.pid" 2>/dev/null) || return 0
    [[ -n $pid ]] && cat "/proc/$pid/cmdline" "/proc/$pid/environ" 2>/dev/null \
        | tr '\0' '\n' | grep -qF "ES_TMPDIR=$dir/tmp" && echo "$pid"
    return 0
}

# Sends a signal to the node's JVM and to its launcher's process group.
signal_node() {
    local name=$1 sig=$2 pid lpid
    pid=$(node_pid "$name")
    lpid=$(launcher_pid "$name")
    [[ -n $lpid ]] && kill "-$sig" -- "-$lpid" 2>/dev/null
    [[ -n $pid ]] && kill "-$sig" "$pid" 2>/dev/null
    return 0
}

node_setting() { sed -n "s/^$2: *//p" "$(node_dir "$1")/config/elasticsearch.yml" 2>/dev/null | head -1; }

http_code() { curl -s -o /dev/null -m "${2:-3}" -w '%{http_code}' "$1" 2>/dev/null || true; }

# name of the node answering on a port, empty if none answers
# (the integ-test-zip has no `GET /`: it lacks the rest-root module)
answering_node() {
    curl -s -m 3 "http://127.0.0.1:$1/_nodes/_local?filter_path=nodes.*.name" 2>/dev/null \
        | grep -o '"name":"[^"]*"' | head -1 | cut -d'"' -f4
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

run_as_es() {
    if [[ $EUID -eq 0 ]]; then runuser -u "$ES_USER" -- "$@"; else "$@"; fi
}

ensure_user() {
    [[ $EUID -eq 0 ]] || return 0
    id -u "$ES_USER" >/dev/null 2>&1 && return 0
    say "creating system user $ES_USER"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin "$ES_USER"
}

join_by() { local IFS=$1; shift; echo "$*"; }

# ------------------------------------------------------------------- start
# Writes the node's config dir; args: name http transport cluster heap seeds masters
prepare_node() {
    local name=$1 http=$2 transport=$3 cluster=$4 heap=$5 seeds=$6 masters=$7
    local dir
    dir=$(node_dir "$name")
    mkdir -p "$RUN_DIR" "$dir/config" "$dir/data" "$dir/logs" "$dir/tmp"
    chmod 755 "$RUN_DIR"
    # data from another cluster (other name, other bootstrap) would never join: start over
    local identity="$cluster|$masters|${seeds:+multi}"
    if [[ -f $dir/identity && $(<"$dir/identity") != "$identity" ]]; then
        say "$name: cluster settings changed, wiping its data"
        rm -rf "${dir:?}/data" && mkdir -p "$dir/data"
    fi
    echo "$identity" >"$dir/identity"
    cp "$ES_HOME/config/jvm.options" "$ES_HOME/config/log4j2.properties" "$dir/config/"
    {
        echo "# written by scripts/elasticsearch.sh; rewritten at every start"
        echo "cluster.name: $cluster"
        echo "node.name: $name"
        echo "path.data: $dir/data"
        echo "path.logs: $dir/logs"
        echo "network.host: 127.0.0.1"
        echo "http.port: $http"
        echo "transport.port: $transport"
        if [[ -z $seeds && -z $masters ]]; then
            echo "discovery.type: single-node"
        else
            [[ -n $seeds ]] && echo "discovery.seed_hosts: [$seeds]"
            [[ -n $masters ]] && echo "cluster.initial_master_nodes: [$masters]"
        fi
        echo "xpack.security.enabled: false"
        echo "cluster.routing.allocation.disk.threshold_enabled: false"
        echo "action.destructive_requires_name: true"
    } >"$dir/config/elasticsearch.yml"
    if [[ $EUID -eq 0 ]]; then chown -R "$ES_USER:" "$dir"; fi
}

launch_node() {
    local name=$1 heap=$2 dir
    dir=$(node_dir "$name")
    rm -f "$dir/es.pid"
    # setsid: the node survives the shell (and Ctrl-C) that started it.
    # -d: the launcher exits once the node runs; the server JVM stays.
    local cmd=(env HOME="$dir" ES_JAVA_HOME="$JAVA_HOME_FOR_ES" ES_PATH_CONF="$dir/config" ES_TMPDIR="$dir/tmp"
        ES_JAVA_OPTS="-Xms$heap -Xmx$heap ${ANNUAIRE_ES_JAVA_OPTS:-}" "$ES_HOME/bin/elasticsearch" -d -p "$dir/es.pid")
    if [[ $EUID -eq 0 ]]; then cmd=(runuser -u "$ES_USER" -- "${cmd[@]}"); fi
    ( cd "$dir" && setsid "${cmd[@]}" >"$dir/launcher.log" 2>&1 </dev/null &
      echo $! >"$dir/launcher.pid" )
}

show_failure() {
    local name=$1 dir cluster
    dir=$(node_dir "$name")
    cluster=$(node_setting "$name" cluster.name)
    say "---- $name: tail of $dir/logs/$cluster.log"
    tail -n 30 "$dir/logs/$cluster.log" >&2 2>/dev/null || say "(no log yet)"
    if [[ -s $dir/launcher.log ]]; then
        say "---- $name: tail of $dir/launcher.log"
        tail -n 15 "$dir/launcher.log" >&2
    fi
}

# Waits for a node; args: name http transport wait nodes started_epoch [peer transport ports]
wait_node() {
    local name=$1 http=$2 transport=$3 wait=$4 nodes=$5 t0=$6 peers=${7:-}
    local url=http://127.0.0.1:$http deadline=$((t0 + START_TIMEOUT)) path
    case $wait in
        none) return 0 ;;
        http) path="/_nodes/_local?filter_path=nodes.*.name" ;;
        *) path="/_cluster/health?wait_for_status=$wait&wait_for_nodes=%3E%3D$nodes&timeout=2s" ;;
    esac
    while :; do
        [[ $(http_code "$url$path" 5) == 200 ]] && break
        # first node of a new cluster: no peer runs yet, so no cluster to wait for
        # (its HTTP port opens only once a cluster forms, or after 30 s)
        if [[ -n $peers && -n $(node_pid "$name") ]] && port_busy "$transport"; then
            local p alone=1
            for p in $peers; do port_busy "$p" && alone=0; done
            if ((alone)); then
                say "$name: running, waiting for its peers (transport ports ${peers% }) to form the cluster"
                return 0
            fi
        fi
        if [[ -z $(node_pid "$name") ]] && ! kill -0 "$(cat "$(node_dir "$name")/launcher.pid")" 2>/dev/null; then
            say "$name: the node process exited"
            show_failure "$name"; return 1
        fi
        if (( $(date +%s) >= deadline )); then
            say "$name: not $wait after ${START_TIMEOUT}s"
            show_failure "$name"
            signal_node "$name" KILL
            return 1
        fi
        sleep 1
    done
}

cmd_start() {
    local name=annuaire http=9200 transport=9300 cluster=annuaire heap=${ANNUAIRE_ES_HEAP:-}
    local wait=yellow nodes=1 fresh=0 seeds=() masters=()
    while (($#)); do
        case $1 in
            --name) name=$2; shift 2 ;;
            --http-port) http=$2; shift 2 ;;
            --transport-port) transport=$2; shift 2 ;;
            --cluster) cluster=$2; shift 2 ;;
            --heap) heap=$2; shift 2 ;;
            --wait) wait=$2; shift 2 ;;
            --nodes) nodes=$2; shift 2 ;;
            --fresh) fresh=1; shift ;;
            --seed | --initial-masters)
                local opt=$1; shift
                while (($#)) && [[ $1 != --* ]]; do
                    local v
                    for v in ${1//,/ }; do
                        if [[ $opt == --seed ]]; then seeds+=("$v"); else masters+=("$v"); fi
                    done
                    shift
                done ;;
            *) die "start: unknown option $1" ;;
        esac
    done
    [[ $wait =~ ^(yellow|green|http|none)$ ]] || die "--wait must be yellow, green, http or none"
    [[ $nodes =~ ^[1-9][0-9]*$ ]] || die "--nodes must be a positive number"

    # the node specs: name http transport
    local specs=() i
    if ((nodes == 1)); then
        specs=("$name $http $transport")
    else
        ((${#seeds[@]} == 0 && ${#masters[@]} == 0)) \
            || die "--nodes builds its own --seed and --initial-masters"
        for ((i = 0; i < nodes; i++)); do
            specs+=("$name-$((i + 1)) $((http + i)) $((transport + i))")
            seeds+=("$((transport + i))")
            masters+=("$name-$((i + 1))")
        done
    fi
    local seed_hosts=() s
    for s in "${seeds[@]}"; do
        [[ $s == *:* ]] || s=127.0.0.1:$s
        seed_hosts+=("\"$s\"")
    done
    local seeds_yml masters_yml
    seeds_yml=$(join_by , "${seed_hosts[@]}")
    masters_yml=$(join_by , "${masters[@]}")
    if [[ -z $heap ]]; then
        if [[ -z $seeds_yml && -z $masters_yml ]]; then heap=1g; else heap=512m; fi
    fi

    cmd_fetch
    ensure_user
    [[ -x $JAVA_HOME_FOR_ES/bin/java ]] || die "no JDK at $JAVA_HOME_FOR_ES (set ES_JAVA_HOME)"
    if ! run_as_es test -x "$ES_HOME/bin/elasticsearch"; then
        die "$ES_USER cannot read $ES_HOME: set ANNUAIRE_ES_HOME to a readable place"
    fi

    local t0 launched=() spec n h t
    t0=$(date +%s)
    for spec in "${specs[@]}"; do
        read -r n h t <<<"$spec"
        if [[ -n $(node_pid "$n") ]]; then
            if [[ $(answering_node "$h") == "$n" ]]; then
                say "$n: already running on http://127.0.0.1:$h"
            else
                say "$n: process running, still starting"
                launched+=("$spec")
            fi
            continue
        fi
        port_busy "$h" && die "$n: port $h is used by another process"
        port_busy "$t" && die "$n: port $t is used by another process"
        ((fresh)) && rm -rf "$(node_dir "$n")"
        prepare_node "$n" "$h" "$t" "$cluster" "$heap" "$seeds_yml" "$masters_yml"
        launch_node "$n" "$heap"
        launched+=("$spec")
    done
    local total=${#specs[@]} peers=""
    if ((nodes == 1)); then
        for s in "${seeds[@]}"; do
            s=${s##*:}
            [[ $s != "$transport" ]] && peers+="$s "
        done
    fi
    for spec in "${launched[@]}"; do
        read -r n h t <<<"$spec"
        wait_node "$n" "$h" "$t" "$wait" "$total" "$t0" "$peers" || exit 1
    done
    if ((${#launched[@]})); then
        local health
        read -r _ h _ <<<"${specs[0]}"
        health=$(curl -s -m 5 "http://127.0.0.1:$h/_cluster/health" 2>/dev/null \
            | grep -o '"status":"[a-z]*"' | cut -d'"' -f4 || true)
        say "started ${#launched[@]} node(s) of cluster $cluster (Elasticsearch $VERSION, heap $heap)" \
            "in $(($(date +%s) - t0))s${health:+, health $health}"
    fi
    for spec in "${specs[@]}"; do
        read -r n h t <<<"$spec"
        echo "http://127.0.0.1:$h"
    done
}

# -------------------------------------------------------------- stop & co
node_names() {
    local all=$1 name=$2 d
    if [[ $all == 1 ]]; then
        for d in "$RUN_DIR"/*/config/elasticsearch.yml; do
            [[ -f $d ]] && basename "$(dirname "$(dirname "$d")")"
        done
    else
        echo "$name"
    fi
    return 0
}

parse_target() { # sets: target_all target_name
    target_all=0 target_name=annuaire
    while (($#)); do
        case $1 in
            --all) target_all=1; shift ;;
            --name) target_name=$2; shift 2 ;;
            *) die "unknown option $1" ;;
        esac
    done
}

stop_node() {
    local name=$1 pid i
    pid=$(node_pid "$name")
    if [[ -z $pid && -z $(launcher_pid "$name") ]]; then say "$name: not running"; return 0; fi
    signal_node "$name" TERM
    for ((i = 0; i < STOP_TIMEOUT * 5; i++)); do
        [[ -z $(node_pid "$name") && -z $(launcher_pid "$name") ]] && break
        sleep 0.2
    done
    if [[ -n $(node_pid "$name") || -n $(launcher_pid "$name") ]]; then
        say "$name: still alive after ${STOP_TIMEOUT}s, SIGKILL"
        signal_node "$name" KILL
        for ((i = 0; i < 50; i++)); do [[ -z $(node_pid "$name") ]] && break; sleep 0.2; done
    fi
    rm -f "$(node_dir "$name")/es.pid" "$(node_dir "$name")/launcher.pid"
    say "$name: stopped${pid:+ (pid $pid)}"
}

cmd_stop() {
    local target_all target_name n
    parse_target "$@"
    for n in $(node_names "$target_all" "$target_name"); do stop_node "$n"; done
}

cmd_kill9() {
    local target_all target_name pid
    parse_target "$@"
    ((target_all)) && die "kill9 takes --name"
    pid=$(node_pid "$target_name")
    [[ -n $pid ]] || die "$target_name: not running"
    signal_node "$target_name" KILL
    local i
    for ((i = 0; i < 100; i++)); do [[ -z $(node_pid "$target_name") ]] && break; sleep 0.1; done
    say "$target_name: killed (SIGKILL, pid $pid)"
}

cmd_clean() {
    local target_all target_name n
    parse_target "$@"
    for n in $(node_names "$target_all" "$target_name"); do
        stop_node "$n"
        rm -rf "${RUN_DIR:?}/${n:?}"
        say "$n: removed $(node_dir "$n")"
    done
}

cmd_status() {
    local n pid http cluster health any=0
    for n in $(node_names 1 ""); do
        any=1
        pid=$(node_pid "$n")
        http=$(node_setting "$n" http.port)
        cluster=$(node_setting "$n" cluster.name)
        if [[ -z $pid ]]; then
            printf '%-16s down                 http://127.0.0.1:%s cluster=%s\n' "$n" "$http" "$cluster"
            continue
        fi
        health=$(curl -s -m 3 "http://127.0.0.1:$http/_cluster/health" 2>/dev/null \
            | grep -o '"status":"[a-z]*"\|"number_of_nodes":[0-9]*' | sed 's/"status"://;s/"number_of_nodes":/nodes=/' | tr -d '"' | paste -sd' ' -)
        printf '%-16s up   pid=%-8s   http://127.0.0.1:%s cluster=%s health=%s\n' \
            "$n" "$pid" "$http" "$cluster" "${health:-no answer}"
    done
    ((any)) || echo "no node under $RUN_DIR"
}

# ---------------------------------------------------------------------- main
command=${1:-help}
(($#)) && shift
case $command in
    fetch) cmd_fetch; say "Elasticsearch $VERSION ready in $ES_HOME" ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    kill9) cmd_kill9 "$@" ;;
    status) cmd_status ;;
    clean) cmd_clean "$@" ;;
    help | -h | --help) usage ;;
    *) usage >&2; exit 2 ;;
esac
