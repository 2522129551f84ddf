// The task of the pool workloads, registered the way workerpool's workers expect.
import workerpool from "workerpool";

workerpool.worker({ square: (x: number): number => x * x });
