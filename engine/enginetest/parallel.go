package enginetest

import "sync"

// Parallel runs fn(0), ..., fn(n-1) in n goroutines released at the same
// moment, so that they race as hard as they can, and returns when all of
// them have. fn must not call t.FailNow (require): keep what it gets and
// check it afterwards.
func Parallel(n int, fn func(i int)) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	done.Add(n)
	for i := range n {
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			fn(i)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
}
