import { issueMessage as m } from '../i18n/message-ref'
import { z } from 'zod'
import {
  DisplayNameSchema,
  EmailSchema,
  LanguageSchema,
  NotificationPrefsSchema,
  PasswordSchema,
  RegionSchema,
  UserSchema,
} from '../accounts/types'

export const SignupBodySchema = z.object({
  email: EmailSchema,
  password: PasswordSchema,
  display_name: DisplayNameSchema.optional().describe('Shown with your reviews; a neutral name is generated when omitted'),
  language: LanguageSchema.optional().describe('UI and catalog language (default: the language the visitor was using: the lang cookie, else Accept-Language, else en)'),
})

export const LoginBodySchema = z.object({
  email: z.string().trim().min(1, m('validation.required')).max(254, m('validation.maxChars', { max: 254 })),
  password: z.string().min(1, m('validation.required')).max(1024, m('validation.tooLong')),
})

export const SessionSchema = z.object({ token: z.string().describe('Bearer token (HS256 JWT), valid 7 days'), user: UserSchema })

export const ProfilePatchSchema = z
  .object({
    email: EmailSchema.optional(),
    password: PasswordSchema.optional(),
    display_name: DisplayNameSchema.optional(),
    language: LanguageSchema.optional(),
    region: RegionSchema.nullable().optional().describe('ISO 3166-1 alpha-2, one of TMDB\'s watch-provider regions; null: decided per request'),
    notifications: NotificationPrefsSchema.optional(),
    current_password: z.string().max(1024).optional().describe('Required to change email or password'),
  })
  .superRefine((patch, ctx) => {
    if ((patch.email !== undefined || patch.password !== undefined) && !patch.current_password) {
      ctx.addIssue({ code: 'custom', path: ['current_password'], message: m('validation.currentPasswordToChange') })
    }
  })

export const ProfileSchema = UserSchema.extend({ notifications: NotificationPrefsSchema })
export const PatchedProfileSchema = ProfileSchema.extend({
  token: z.string().optional().describe('A fresh token, present when email or password changed (older tokens are revoked)'),
})

export const DeleteAccountBodySchema = z.object({ current_password: z.string().min(1, m('validation.required')).max(1024, m('validation.tooLong')) })

export const PasswordResetBodySchema = z.object({
  email: z.string().trim().min(1, m('validation.required')).max(254, m('validation.maxChars', { max: 254 })).describe('The account address (any answer is 202)'),
})
export const PasswordResetConfirmBodySchema = z.object({
  token: z.string().trim().min(1, m('validation.required')).max(200, m('validation.tooLong')).describe('The token from the emailed /reset link'),
  password: PasswordSchema,
})
export const VerifyEmailBodySchema = z.object({
  token: z.string().trim().min(1, m('validation.required')).max(200, m('validation.tooLong')).describe('The token from the emailed /verify link'),
})
