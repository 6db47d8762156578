// The node binary the bench starts mpb (and its `node -e 0` baseline) with: MPB_BENCH_NODE when set
// (e.g. MPB_BENCH_NODE=$(scripts/node-version.sh 24) npm run bench), else the node running the bench.
export const NODE = process.env.MPB_BENCH_NODE || process.execPath;
