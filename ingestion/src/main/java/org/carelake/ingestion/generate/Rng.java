package org.carelake.ingestion.generate;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded random source with the few distributions the generator needs. Every stream is derived from the run's seed
 * and a stable key (location id, stream name, period), so one location's data never depends on another's.
 */
final class Rng {

  private final SplittableRandom random;

  private Rng(long seed) {
    this.random = new SplittableRandom(seed);
  }

  static Rng of(long seed, Object... key) {
    return new Rng(mix(seed, key));
  }

  /** A stable 64-bit mix of the seed and the key's text (FNV-1a per part, then a finaliser). */
  static long mix(long seed, Object... key) {
    long h = seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
    for (Object part : key) {
      String s = String.valueOf(part);
      for (int i = 0; i < s.length(); i++) {
        h ^= s.charAt(i);
        h *= 0x100000001B3L;
      }
      h ^= 0x1F;
      h = finalise(h);
    }
    return finalise(h);
  }

  private static long finalise(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  double uniform() {
    return random.nextDouble();
  }

  double uniform(double lo, double hi) {
    return lo + (hi - lo) * random.nextDouble();
  }

  /** Inclusive of both ends. */
  int between(int lo, int hi) {
    return hi <= lo ? lo : lo + random.nextInt(hi - lo + 1);
  }

  boolean chance(double p) {
    return random.nextDouble() < p;
  }

  double normal() {
    // Box-Muller, one value per call (deterministic, no cached second value)
    double u1 = Math.max(1e-12, random.nextDouble());
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  int poisson(double mean) {
    if (mean <= 0) {
      return 0;
    }
    if (mean > 40) {
      return Math.max(0, (int) Math.round(mean + Math.sqrt(mean) * normal()));
    }
    double l = Math.exp(-mean);
    int k = 0;
    double p = 1;
    do {
      k++;
      p *= random.nextDouble();
    } while (p > l);
    return k - 1;
  }

  int binomial(int n, double p) {
    if (n <= 0 || p <= 0) {
      return 0;
    }
    if (p >= 1) {
      return n;
    }
    if (n > 200) {
      double mean = n * p;
      return (int) Math.max(0, Math.min(n, Math.round(mean + Math.sqrt(mean * (1 - p)) * normal())));
    }
    int k = 0;
    for (int i = 0; i < n; i++) {
      if (random.nextDouble() < p) {
        k++;
      }
    }
    return k;
  }

  <T> T pick(List<T> items) {
    return items.get(random.nextInt(items.size()));
  }

  /** Picks from items with the given weights (same order). */
  <T> T weighted(List<T> items, double[] weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double x = random.nextDouble() * total;
    for (int i = 0; i < items.size(); i++) {
      x -= weights[i];
      if (x < 0) {
        return items.get(i);
      }
    }
    return items.get(items.size() - 1);
  }

  /** A shuffled copy (Fisher-Yates). */
  <T> List<T> shuffled(List<T> items) {
    java.util.ArrayList<T> out = new java.util.ArrayList<>(items);
    for (int i = out.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      T t = out.get(i);
      out.set(i, out.get(j));
      out.set(j, t);
    }
    return out;
  }
}
