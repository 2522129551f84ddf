// A child that does nothing: started and joined by the spawn-join workload. Plain JavaScript, so
// that the row measures starting and joining rather than loading TypeScript; noop.ts is the
// same child as TypeScript, for the rows that show what loading a .ts entry costs.
