// A Web Worker that does nothing but say it ran, then closes: Web Workers have no exit event,
// so the spawn-join workload joins one when this message arrives. Plain JavaScript, like noop.js.
postMessage("ran");
close();
