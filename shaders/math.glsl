// f32 functions GLSL lacks or leaves imprecise, written to stay within a few ulp of the
// CPU's libm on their whole range (the CPU kernels in ops/unary.cpp are the reference).

float inf_() { return uintBitsToFloat(0x7f800000u); }
float nan_() { return uintBitsToFloat(0x7fc00000u); }

// exp(x) - 1: Taylor series near 0 (where exp(x) - 1 cancels), exp elsewhere.
float expm1_(float x) {
  if (abs(x) < 0.5) {
    // Horner form of x + x^2/2! + ... + x^8/8!; the next term is < 1e-8 relative.
    float p = 1.0 / 40320.0;
    p = p * x + 1.0 / 5040.0;
    p = p * x + 1.0 / 720.0;
    p = p * x + 1.0 / 120.0;
    p = p * x + 1.0 / 24.0;
    p = p * x + 1.0 / 6.0;
    p = p * x + 0.5;
    p = p * x + 1.0;
    return p * x;
  }
  return exp(x) - 1.0;
}

// log(1 + x) = 2 atanh(s), s = x / (2 + x): a fast odd series in s near 0.
float log1p_(float x) {
  if (abs(x) < 0.5) {
    float s = x / (2.0 + x), s2 = s * s;
    float p = 1.0 / 13.0;
    p = p * s2 + 1.0 / 11.0;
    p = p * s2 + 1.0 / 9.0;
    p = p * s2 + 1.0 / 7.0;
    p = p * s2 + 1.0 / 5.0;
    p = p * s2 + 1.0 / 3.0;
    p = p * s2 + 1.0;
    return 2.0 * s * p;
  }
  return log(1.0 + x);
}

float tanh_(float x) {
  // tanh(x) = -expm1(-2|x|) / (2 + expm1(-2|x|)): no overflow, no cancellation near 0.
  float e = expm1_(-2.0 * abs(x));
  return sign(x) * (-e / (2.0 + e));
}

float sigmoid_(float x) {
  if (x >= 0.0) return 1.0 / (1.0 + exp(-x));
  float e = exp(x);
  return e / (1.0 + e);
}

// erf: Maclaurin series below 0.5; Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7) above.
float erf_(float x) {
  float ax = abs(x);
  if (ax < 0.5) {
    float x2 = x * x;
    float p = 1.0 / 216.0;
    p = p * -x2 + 1.0 / 42.0;
    p = p * -x2 + 1.0 / 10.0;
    p = p * -x2 + 1.0 / 3.0;
    p = p * -x2 + 1.0;
    return 1.1283791670955126 * x * p;
  }
  float t = 1.0 / (1.0 + 0.3275911 * ax);
  float y = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign(x) * (1.0 - y * exp(-ax * ax));
}

// std::pow semantics on the cases GLSL leaves undefined (x < 0, x = 0).
float pow_(float x, float e) {
  if (e == 0.0) return 1.0;
  if (e == 1.0) return x;
  if (e == 2.0) return x * x;
  if (x == 0.0) return e > 0.0 ? 0.0 : inf_();
  if (x < 0.0) {
    if (e != floor(e)) return nan_();
    float r = pow(-x, e);
    return mod(e, 2.0) == 1.0 ? -r : r;
  }
  return pow(x, e);
}
