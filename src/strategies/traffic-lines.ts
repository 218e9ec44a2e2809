import { inline as cell } from '../format/markdown.js'

/** Which Deployments behind a Service the strategy ran twice, and which it applied as rolling. */
export function strategyLines(label: string, twice: string[] | undefined, rolling: string[] | undefined): string[] {
  if (!rolling || rolling.length === 0) return []
  return [
    `${label}: ${twice && twice.length > 0 ? twice.map(n => `deployment/${cell(n)}`).join(', ') : '(none)'}. Applied as rolling, pods kept: ${rolling.map(n => `deployment/${cell(n)}`).join(', ')}.`,
    ''
  ]
}
