import { RISK_TIER_MEANING, RISK_TIERS } from '$protocol/draw';

/** What a risk tier means, for a stratum that is one (undefined for any other stratum). */
export function riskTierMeaning(stratum: string): string | undefined {
  const tier = RISK_TIERS.find((t) => t === stratum);
  return tier && RISK_TIER_MEANING[tier];
}

/** The plan holds points in integer hundredths; the form shows and takes plain points. */
export const points = (hundredths: number): number => hundredths / 100;
export const toHundredths = (shown: string): number => Math.round(Number(shown) * 100);
