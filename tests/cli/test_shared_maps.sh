#!/bin/sh
# Shared maps through the tool: a running host (`xdp run --pin-maps --follow`, the firewall
# example) and `extbpf map` commands from other processes changing its deny list, the effect
# seen in the host's own drop counter.
# usage: test_shared_maps.sh EXTBPF BUILD_DIR WORK_DIR
set -u
extbpf=$1
build=$2
work=$3
. "$(dirname "$0")/lib.sh"

root=$work/pins
fw=$build/examples/xdp/xdp_firewall.o
"$build/bin/xdp-pcapgen" "$work/in.pcap" --count 70 >/dev/null || fail "xdp-pcapgen"

# Polls (up to a minute: the machine may be loaded) until the command succeeds.
wait_for() {
	i=0
	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 600 ] || return 1
		sleep 0.1
	done
}

drops_nonzero() {
	"$extbpf" map lookup fw/drops --key 2 --pin-root "$root" >"$work/drops" 2>&1 &&
		! grep -qF "value: 00 00 00 00 00 00 00 00" "$work/drops"
}

"$extbpf" xdp run "$fw" --pcap "$work/in.pcap" --pin-maps fw --pin-root "$root" --follow \
	>"$work/host.out" 2>"$work/host.err" &
host=$!
wait_for test -e "$root/fw/drops" || fail "the host pinned no maps: $(cat "$work/host.err")"
# The object's maps are pins of mode 0600, its LPM tries too.
[ "$(stat -c %a "$root/fw/deny_port")" = 600 ] || fail "pin mode: $(stat -c %a "$root/fw/deny_port")"
[ -e "$root/fw/deny_v4" ] || fail "the LPM trie deny_v4 was not pinned"

expect 0 "lookup, before" "$extbpf" map lookup fw/drops --key 2 --pin-root "$root"
contains "$work/out" "value: 00 00 00 00 00 00 00 00" "no port drops before the update"
expect 0 "update the running host's deny list" "$extbpf" map update "$root/fw/deny_port" \
	--key 53 --value 1
expect 0 "dump" "$extbpf" map dump fw/deny_port --pin-root "$root"
contains "$work/out" "key: 35 00  value: 01 00 00 00" "dump shows the new rule"
contains "$work/out" "Found 1 element" "dump count"
expect 0 "dump -j" "$extbpf" map dump -j fw/deny_port --pin-root "$root"
json_ok "dump -j"
# The host's program drops port 53 from its next replay on: its counter grows.
wait_for drops_nonzero || fail "the running host never dropped port 53: $(cat "$work/drops")"
expect 0 "delete" "$extbpf" map delete fw/deny_port --key 53 --pin-root "$root"
expect 1 "delete again" "$extbpf" map delete fw/deny_port --key 53 --pin-root "$root"
contains "$work/err" "no such element" "delete of a missing key"
expect 1 "update with noexist" "$extbpf" map update fw/drops --key 0 --value 1 \
	--flags noexist --pin-root "$root"
# The running host's LPM trie: a prefix added, found by the longest match, dumped, deleted.
expect 0 "update an LPM trie" "$extbpf" map update fw/deny_v4 --key 10.1.0.0/16 --value 1 \
	--pin-root "$root"
expect 0 "update an LPM trie, longer" "$extbpf" map update fw/deny_v4 --key 10.1.2.0/24 \
	--value 2 --pin-root "$root"
expect 0 "LPM lookup" "$extbpf" map lookup fw/deny_v4 --key 10.1.2.9/32 --pin-root "$root"
contains "$work/out" "value: 02 00 00 00" "the longest prefix matched"
expect 0 "LPM lookup, shorter" "$extbpf" map lookup fw/deny_v4 --key 10.1.7.9/32 --pin-root "$root"
contains "$work/out" "value: 01 00 00 00" "the /16 matched"
expect 0 "LPM dump" "$extbpf" map dump fw/deny_v4 --pin-root "$root"
contains "$work/out" "Found 2 elements" "LPM dump count"
head -n 1 "$work/out" | grep -qF "key: 18 00 00 00 0a 01 02 00  value: 02 00 00 00" ||
	fail "LPM dump: the /24 first (postorder): $(cat "$work/out")"
contains "$work/out" "key: 10 00 00 00 0a 01 00 00  value: 01 00 00 00" "LPM dump, the /16"
expect 0 "LPM delete" "$extbpf" map delete fw/deny_v4 --key 10.1.0.0/16 --pin-root "$root"
expect 1 "LPM lookup after the delete" "$extbpf" map lookup fw/deny_v4 --key 10.1.7.9/32 \
	--pin-root "$root"
expect 0 "LPM delete the other" "$extbpf" map delete fw/deny_v4 --key 10.1.2.0/24 --pin-root "$root"

# Errors name the pin and what is wrong with it.
expect 2 "no such pin" "$extbpf" map dump fw/nosuch --pin-root "$root"
contains "$work/err" "nothing is pinned there" "no such pin"
contains "$work/err" "$root/fw/nosuch" "the path in the message"
printf 'not a map\n' >"$root/fw/junk"
expect 2 "not a pin" "$extbpf" map dump fw/junk --pin-root "$root"
contains "$work/err" "not an extbpf map pin" "foreign file"
usage_error "relative pin root" "$extbpf" map dump fw/drops --pin-root relative

# The running host published its objects: prog, map and link list see them, with its pid.
expect 0 "prog list" "$extbpf" prog list --pin-root "$root"
contains "$work/out" "pid $host " "prog list: the host's pid"
contains "$work/out" "name xdp_firewall" "prog list: the program"
expect 0 "map list" "$extbpf" map list --pin-root "$root"
contains "$work/out" "name deny_port  key 2B  value 4B  max_entries 1024  shared" "map list"
contains "$work/out" "name deny_v4" "map list: the private maps too"
expect 0 "link list -j" "$extbpf" link list -j --pin-root "$root"
json_ok "link list -j"
json_check "link list -j: one link of the host" "[l['pid'] for l in j] == [$host]"
json_check "link list -j: first and only in its hook's chain, attached" \
	"j[0]['position'] == 1 and j[0]['prev_id'] == 0 and j[0]['next_id'] == 0 and not j[0]['detached']"
expect 0 "link list" "$extbpf" link list --pin-root "$root"
contains "$work/out" "pos 1  prio 0  prev 0  next 0" "link list: the link's place in its chain"
# One process's own objects: the host's, and none of a process that published nothing.
expect 0 "link list --pid" "$extbpf" link list -j --pid "$host" --pin-root "$root"
json_check "link list --pid: the host's link" "[l['pid'] for l in j] == [$host]"
expect 0 "prog list --pid of another" "$extbpf" prog list -j --pid $$ --pin-root "$root"
json_check "prog list --pid: nothing of another process" "j == []"
usage_error "--pid not a number" "$extbpf" map list --pid x --pin-root "$root"
expect 0 "prog list -j" "$extbpf" prog list -j --pin-root "$root"
json_check "prog list -j: the program ran" "j[0]['name'] == 'xdp_firewall' and j[0]['run_cnt'] > 0"
usage_error "prog list of an object" "$extbpf" prog list "$fw"

kill -TERM $host
wait $host
code=$?
[ $code -eq 0 ] || fail "the host exited $code: $(cat "$work/host.err")"
contains "$work/host.out" "replay 1:" "the host's replay lines"
contains "$work/host.out" "maps:" "the host's results at the end"

# A host that exits unpublishes; one that died (a file whose process is gone) is cleaned away.
expect 0 "prog list after the host" "$extbpf" prog list --pin-root "$root"
lacks "$work/out" "pid $host " "the exited host is not listed"
sh -c 'exit 0' &
dead=$!
wait $dead
printf 'extbpf-registry 1 %s\nprog 1 5 5 xdp ghost\n' $dead >"$root/.registry/$dead"
expect 0 "prog list with a stale entry" "$extbpf" prog list --pin-root "$root"
lacks "$work/out" "ghost" "a dead process's entry"
[ ! -e "$root/.registry/$dead" ] || fail "the stale registry file was not removed"

# A queue, a per-CPU hash and an LRU hash a run left pinned: other commands pop, push, dump.
kinds=$build/tests/cli/progs/xdp_shared_kinds.bpf.o
expect 0 "run with a queue" "$extbpf" xdp run "$kinds" --pcap "$work/in.pcap" --pin-maps qk \
	--pin-root "$root"
expect 0 "peek" "$extbpf" map peek qk/lens --pin-root "$root"
contains "$work/out" "value: " "peek shows a value"
cp "$work/out" "$work/peeked"
expect 0 "pop" "$extbpf" map pop qk/lens --pin-root "$root"
cmp -s "$work/out" "$work/peeked" || fail "pop took another value than peek showed"
n=1
while "$extbpf" map pop qk/lens --pin-root "$root" >/dev/null 2>&1; do n=$((n + 1)); done
[ $n -eq 8 ] || fail "popped $n values of a full queue of 8"
expect 1 "pop of an empty queue" "$extbpf" map pop qk/lens --pin-root "$root"
contains "$work/err" "the map is empty" "empty queue"
expect 0 "push" "$extbpf" map push qk/lens --value 1234 --pin-root "$root"
expect 0 "peek the pushed value" "$extbpf" map peek qk/lens -j --pin-root "$root"
json_check "peek -j" "j['value'] == ['0xd2', '0x04', '0x00', '0x00']"
expect 2 "dump of a shared queue" "$extbpf" map dump qk/lens --pin-root "$root"
contains "$work/err" "map peek" "dump of a queue points at peek and pop"
expect 2 "push to a hash" "$extbpf" map push qk/per_len_cpu --value 1 --pin-root "$root"
contains "$work/err" "not a queue or stack" "push to a hash"
usage_error "push without a value" "$extbpf" map push qk/lens --pin-root "$root"
expect 0 "dump a shared per-CPU hash" "$extbpf" map dump qk/per_len_cpu --pin-root "$root"
contains "$work/out" "value (CPU 00): " "per-CPU values"
expect 0 "dump a shared LRU hash" "$extbpf" map dump qk/recent_lens --pin-root "$root"
contains "$work/out" "Found 2 elements" "the LRU hash holds max_entries, the rest evicted"

# A second run uses the pins left behind: the drop counter goes on from where it was.
"$extbpf" xdp run "$fw" --pcap "$work/in.pcap" --pin-maps fw --pin-root "$root" \
	--map deny_port=53:1 >"$work/out" 2>"$work/err" || fail "second run: $(cat "$work/err")"
expect 0 "lookup after the second run" "$extbpf" map lookup fw/deny_port --key 53 --pin-root "$root"
contains "$work/out" "value: 01 00 00 00" "the second run's --map went to the pin"

[ "$failures" -eq 0 ] || exit 1
echo "all passed"
