// Package drills holds the fault drills of the whole stack, as tests: the
// reference wallet server (examples/wallet) runs as child processes of the
// test binary, the load generator (examples/loadgen/load) drives them over
// HTTP, and the drills kill the processes with SIGKILL, stop and restart
// PostgreSQL, and run two wallets on one database, then verify every
// payment, refund and notification the load generator was told about.
//
// `make drills` runs them at full length (20 kills per store); the test
// command runs a short version (-drill.kills=3). docs/reliability.md lists
// each drill, its command and its last result. TestPostgresFailover runs a
// primary and a synchronous standby under Patroni (with etcd) and kills
// the primary: -drill.failovers times (make drills: 3; the test command: 1).
package drills
