// A child that does nothing: started and joined by the spawn-join workload.
export {};
