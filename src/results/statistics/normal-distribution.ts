// The standard normal distribution's tail and quantile, for the U test's large-sample approximation.

/**
 * P(Z > z) for a standard normal Z, through erfc (W. J. Cody's rational approximations as in
 * Numerical Recipes' erfcc refined: relative error below 1.2e-7 everywhere).
 */
export function normalSurvival(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? y : 2 - y;
}

/** The z with P(Z > z) = tail, by bisection on normalSurvival (tail in (0, 1)). */
export function normalUpperQuantile(tail: number): number {
  if (!(tail > 0 && tail < 1)) throw new RangeError(`a tail probability must be in (0, 1), got ${tail}`);
  let low = -40;
  let high = 40;
  for (let step = 0; step < 200; step++) {
    const middle = (low + high) / 2;
    if (normalSurvival(middle) > tail) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}
