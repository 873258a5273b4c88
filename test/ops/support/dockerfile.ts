import { readFileSync } from 'node:fs'

/** One Dockerfile instruction, continuation lines joined, comments dropped. */
export interface Instruction {
  keyword: string
  args: string
}

/** One build stage: its FROM line (ARG defaults resolved), its name, its instructions. */
export interface Stage {
  image: string
  name: string | undefined
  instructions: Instruction[]
}

/** Enough of the Dockerfile grammar for the rules the tests hold the file to (no heredocs, no parser directives but `syntax`). */
export function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const lines = text.split('\n').filter((line) => !/^\s*#/.test(line))
  const joined = lines.join('\n').replace(/\\\n/g, ' ')
  const instructions = joined
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/)
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') }
    })
  const args: Record<string, string> = {}
  const stages: Stage[] = []
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args.split(/\s+/)
      const resolved = image.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a?: string, b?: string) => args[(a ?? b)!] ?? '')
      stages.push({ image: resolved, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] })
    } else if (stages.length === 0 && instruction.keyword === 'ARG') {
      const [name = '', value = ''] = instruction.args.split('=')
      args[name] = value
    } else {
      stages.at(-1)?.instructions.push(instruction)
    }
  }
  return { args, stages }
}

export const readDockerfile = (path = 'Dockerfile') => parseDockerfile(readFileSync(path, 'utf8'))

/** One COPY line: the stage it copies from (none: the build context), its sources, its target. */
export interface Copy {
  from: string | undefined
  sources: string[]
  target: string
}

/** A stage's COPY lines (flags other than --from ignored). */
export function copiesOf(stage: Stage): Copy[] {
  return stage.instructions
    .filter((i) => i.keyword === 'COPY')
    .map((i) => {
      const parts = i.args.split(/\s+/)
      const from = parts.find((part) => part.startsWith('--from='))?.slice('--from='.length)
      const paths = parts.filter((part) => !part.startsWith('--'))
      return { from, sources: paths.slice(0, -1), target: paths.at(-1)! }
    })
}

/** The JSON (exec) form of CMD/ENTRYPOINT/HEALTHCHECK CMD, or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  const json = /(\[.*\])\s*$/.exec(args)?.[1]
  if (!json) return undefined
  try {
    return JSON.parse(json) as string[]
  } catch {
    return undefined
  }
}

/** Docker's .dockerignore matching (Go filepath.Match per pattern, `**` for any depth; a matched folder excludes all under it). */
export function dockerignoreMatcher(text: string): (path: string) => boolean {
  const patterns = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#') && !line.startsWith('!'))
    .map((pattern) => {
      const source = pattern
        .replace(/^\/+|\/+$/g, '')
        .split(/(\*\*|\*|\?)/)
        .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part === '?' ? '[^/]' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('')
      return new RegExp(`^${source}(/.*)?$`)
    })
  return (path) => patterns.some((pattern) => pattern.test(path))
}

/** ENV instructions of a stage as a map (`ENV A=1 B=2` and the legacy `ENV A 1`). */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {}
  for (const { keyword, args } of stage.instructions) {
    if (keyword !== 'ENV') continue
    if (!args.includes('=')) {
      const [name = '', ...value] = args.split(/\s+/)
      env[name] = value.join(' ')
      continue
    }
    for (const pair of args.match(/\S+=("[^"]*"|\S*)/g) ?? []) {
      const [name = '', value = ''] = pair.split(/=(.*)/s)
      env[name] = value.replace(/^"|"$/g, '')
    }
  }
  return env
}
