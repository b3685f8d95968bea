/** One catalogue per set of administrator numbers, reused: building one walks every region's data. */
import { EmergencyCatalogue, type EmergencyNumberInput } from './catalogue';

let cached: { key: string; catalogue: EmergencyCatalogue } | undefined;

export function catalogueWith(numbers: readonly EmergencyNumberInput[]): EmergencyCatalogue {
  const key = JSON.stringify(numbers);
  if (cached?.key !== key) cached = { key, catalogue: new EmergencyCatalogue([...numbers]) };
  return cached.catalogue;
}
