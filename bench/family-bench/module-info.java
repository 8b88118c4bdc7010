/** Benchmark-only drop-in family: recognises bench/fixtures orphans as provably stale. */
module dev.kitty.family.bench {
  requires dev.kitty.api;

  provides dev.kitty.api.Family with
      dev.kitty.family.bench.BenchFamily;
}
