// A child that imports the built @multiproc/core (`pnpm build` first) and does nothing else:
// what every multiproc task's module does before its task can run. The spawn-join workload's
// rows with this child are the floor under multiproc's own: the raw primitive plus the library's
// import, without multiproc's channel, start message and exit.
import "../../../../packages/core/dist/index.js";
