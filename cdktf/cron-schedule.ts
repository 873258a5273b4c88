/**
 * A five-field cron expression of the cron table (src/platform.ts CRON, UTC) as an EventBridge
 * schedule: six fields, a `?` in day-of-month or day-of-week (EventBridge refuses both set), day
 * names instead of numbers (EventBridge counts Sunday as 1, cron as 0), `*\/n` as `0/n`.
 */
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const

const step = (field: string) => field.replace(/^\*\/(\d+)$/, '0/$1')

function dayOfWeek(field: string): string {
  return field.replace(/\d+/g, (day) => {
    const name = DAY_NAMES[Number(day) % 7]
    if (!name) throw new Error(`day of week ${day} is out of range`)
    return name
  })
}

export function toEventBridgeSchedule(expression: string): string {
  const fields = expression.trim().split(/\s+/)
  if (fields.length !== 5) throw new Error(`"${expression}" is not a five-field cron expression`)
  const [minute, hour, dayOfMonth, month, weekday] = fields as [string, string, string, string, string]
  if (dayOfMonth !== '*' && weekday !== '*') throw new Error(`"${expression}": EventBridge cannot combine a day of month and a day of week`)
  const days = weekday === '*' ? [step(dayOfMonth), '?'] : ['?', dayOfWeek(weekday)]
  return `cron(${step(minute)} ${step(hour)} ${days[0]} ${step(month)} ${days[1]} *)`
}
