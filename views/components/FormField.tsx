import type { Child } from 'hono/jsx'

/** Field name → the message to show under it. */
export type FieldErrors = Record<string, string>

export interface FieldProps {
  name: string
  label: string
  type?: 'text' | 'email' | 'password'
  value?: string
  error?: string | undefined
  hint?: string
  autocomplete?: string
  required?: boolean
  minlength?: number
  maxlength?: number
  /** 'numeric': a digits-only field (the phone keyboard shows digits; the pattern says so to the browser). */
  inputmode?: 'numeric'
  /** Where the input's id starts (default `field`): `<idPrefix>-<name>`. */
  idPrefix?: string
}

/** A labelled input with its hint and inline error, tied together with aria-describedby. */
export function Field({ name, label, type = 'text', value, error, hint, autocomplete, required, minlength, maxlength, inputmode, idPrefix = 'field' }: FieldProps) {
  const id = `${idPrefix}-${name}`
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined
  return (
    <div class={error ? 'field invalid' : 'field'}>
      <label for={id}>{label}</label>
      <input
        id={id}
        name={name}
        type={type}
        value={type === 'password' ? undefined : value}
        autocomplete={autocomplete}
        required={required}
        minlength={minlength}
        maxlength={maxlength}
        inputmode={inputmode}
        pattern={inputmode === 'numeric' ? '[0-9]+' : undefined}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy}
      />
      {hint ? (
        <p class="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  )
}

/** The form-level message (wrong password, email taken, saved…), announced to screen readers. */
export function FormNotice({ kind, children }: { kind: 'error' | 'success'; children: Child }) {
  return (
    <p class={`form-notice ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </p>
  )
}

/** The new password of a sign-up or a reset: one place for its limits (8–128 characters, as the schemas check). */
export function NewPasswordField({ label, hint, error }: { label: string; hint: string; error?: string | undefined }) {
  return <Field name="password" label={label} type="password" error={error} hint={hint} autocomplete="new-password" required minlength={8} maxlength={128} />
}
