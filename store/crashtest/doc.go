// Package crashtest kills a process that runs the engine on a durable store
// with SIGKILL at random moments and checks, after every kill, that every
// acknowledged operation survived and that nothing was left half-done. It
// holds tests only.
package crashtest
