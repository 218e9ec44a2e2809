import { blueGreen } from './blue-green-strategy.js'
import { canary } from './canary-strategy.js'
import { rolling } from './rolling.js'
import type { Strategy } from './strategy.js'

// A new strategy is one line here, its file, and its plan test.
const strategies = { rolling, 'blue-green': blueGreen, canary } satisfies Record<string, Strategy>

export type StrategyName = keyof typeof strategies

export const strategyNames = Object.keys(strategies) as StrategyName[]

export const isStrategyName = (name: string): name is StrategyName => Object.hasOwn(strategies, name)

/** The strategy of the settings or of a traffic report; a name the settings did not accept is a bug. */
export function strategyNamed(name: string): Strategy {
  if (!isStrategyName(name)) throw new Error(`Unknown strategy '${name}'.`)
  return strategies[name]
}
