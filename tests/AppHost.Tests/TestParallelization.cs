// The tests check that stopping leaves no process behind by looking at this test process's children; tests
// running side by side would start children of their own.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
