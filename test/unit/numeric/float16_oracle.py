"""numpy's float16 conversions, the oracle for src/shared/numeric/float16.ts.

Run with Debian's /usr/bin/python3 (it sees python3-numpy): float16_oracle.py OUT_DIR writes
little-endian binary files there:
  decode.f32    the float32 value of every float16 bit pattern 0..0xffff
  enc32.in      float32 bit patterns: every float16 value, every midpoint between neighbours and
                the float32s either side of it, the float16 range's edges, and 100,000 random
                patterns over the whole float32 range (NaNs, infinities, subnormals included)
  enc32.out     numpy's float16 bits of each (float32 -> float16, round to nearest even)
  enc64.in      float64 values: every midpoint and the float64s either side of it (the ones
                a float32 step would round onto the midpoint), and 100,000 random doubles
  enc64.out     numpy's float16 bits of each (float64 -> float16, rounded once)
"""
import sys
from pathlib import Path

import numpy as np

out = Path(sys.argv[1])
# Casting past 65504 to infinity is the point of some inputs; numpy need not warn about it.
np.seterr(over='ignore')
rng = np.random.default_rng(20250611)

every = np.arange(0x10000, dtype=np.uint32).astype(np.uint16)
halves = every.view(np.float16)
(out / 'decode.f32').write_bytes(halves.astype(np.float32).astype('<f4').tobytes())

# Finite float16 values in increasing order, and the midpoints between neighbours (beyond 65504,
# the midpoint to 2^16, where rounding turns to infinity).
finite = np.sort(np.unique(halves[np.isfinite(halves)].astype(np.float64)))
above = np.append(finite[1:], 65536.0)
midpoints = (finite + above) / 2  # exact in float64

f32_mid = midpoints.astype(np.float32)
f32_values = np.concatenate([
    finite.astype(np.float32),
    f32_mid,
    np.nextafter(f32_mid, np.float32(np.inf)),
    np.nextafter(f32_mid, np.float32(-np.inf)),
    np.array([65519.996, 65520, 65536, 3.4e38, np.inf, 2.0**-24, 2.0**-25, 2.0**-26, 2.0**-14, 0.0], dtype=np.float32),
])
f32_values = np.concatenate([f32_values, -f32_values])
f32_bits = np.concatenate([f32_values.view(np.uint32), rng.integers(0, 2**32, 100_000, dtype=np.uint64).astype(np.uint32)])
(out / 'enc32.in').write_bytes(f32_bits.astype('<u4').tobytes())
(out / 'enc32.out').write_bytes(f32_bits.view(np.float32).astype(np.float16).view(np.uint16).astype('<u2').tobytes())

f64_values = np.concatenate([
    np.nextafter(midpoints, np.inf),
    np.nextafter(midpoints, -np.inf),
    midpoints,
    rng.uniform(0, 1, 40_000),
    rng.uniform(-70_000, 70_000, 30_000),
    np.exp2(rng.uniform(-30, 17, 30_000)) * rng.choice([-1.0, 1.0], 30_000),
])
(out / 'enc64.in').write_bytes(f64_values.astype('<f8').tobytes())
(out / 'enc64.out').write_bytes(f64_values.astype(np.float16).view(np.uint16).astype('<u2').tobytes())
