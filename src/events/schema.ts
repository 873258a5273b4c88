import { parseSnsEnvelope } from './envelope'
import { z } from 'zod'

/**
 * Domain events the worker publishes to the SNS topic (documented in docs/events.md).
 * Version 1: additive changes (new optional payload fields, new types) keep the version;
 * anything else bumps it, and subscribers ignore versions they do not know.
 */
export const EVENT_VERSION = 1

const MovieRef = z.object({ movie_id: z.number().int().positive() })

export const EventPayloads = {
  'user.signed_up': z.object({}),
  'user.password_changed': z.object({}),
  'user.email_changed': z.object({}),
  // The emails a user asked for; a deferred send does them at once, the queue consumer if that failed.
  'user.password_reset_requested': z.object({}),
  'user.verification_requested': z.object({}),
  // One per opted-in user per week (id digest-<user>-<monday>): the weekly email of unread notifications.
  'user.digest_due': z.object({ week: z.iso.date() }),
  'watchlist.added': MovieRef,
  'watchlist.removed': MovieRef,
  'review.posted': MovieRef.extend({ rating: z.number().int().min(1).max(10) }),
  // Staged with each in-app notification it announces (same transaction): Web Push delivers it (src/push/).
  'notification.created': z.object({ notification_id: z.string().min(1).max(64) }),
  // Staged with the completed upload (same transaction), user_id = the operator: the transcoder's queue takes it
  // (its subscription filters on the type; the notifications queue's excludes it). `ladder` names the output prefix
  // (v<ladder>/), `attempt` counts retries, so a redelivered message is told from a new request.
  'video.uploaded': z.object({ video_id: z.string().min(1).max(64), ladder: z.number().int().positive(), attempt: z.number().int().positive() }),
  // A video became watchable (the transcoder's, through the outbox): members with the film on their list are told.
  'video.ready': MovieRef.extend({ video_id: z.string().min(1).max(64) }),
} as const

export type EventType = keyof typeof EventPayloads
export type EventPayload<T extends EventType> = z.infer<(typeof EventPayloads)[T]>

const envelope = {
  version: z.literal(EVENT_VERSION),
  id: z.string().min(8).max(64),
  occurred_at: z.iso.datetime(),
  user_id: z.string().min(1).max(64),
}

const variant = <T extends EventType>(type: T) =>
  z.object({ type: z.literal(type), ...envelope, payload: EventPayloads[type] })

export const DomainEventSchema = z.discriminatedUnion('type', [
  variant('user.signed_up'),
  variant('user.password_changed'),
  variant('user.email_changed'),
  variant('user.password_reset_requested'),
  variant('user.verification_requested'),
  variant('user.digest_due'),
  variant('watchlist.added'),
  variant('watchlist.removed'),
  variant('review.posted'),
  variant('notification.created'),
  variant('video.uploaded'),
  variant('video.ready'),
])
export type DomainEvent = z.infer<typeof DomainEventSchema>

/** What a call site supplies; id, version and time are filled in by `newEvent`. */
export type EventInput = {
  [T in EventType]: { type: T; user_id: string; payload: EventPayload<T> }
}[EventType]

export function newEvent(input: EventInput, now: Date = new Date()): DomainEvent {
  return { ...input, version: EVENT_VERSION, id: crypto.randomUUID(), occurred_at: now.toISOString() } as DomainEvent
}

/** Short constructors so each call site stays one line: `outbox.stage(events.signedUp(user.id))`. */
export const events = {
  signedUp: (userId: string): EventInput => ({ type: 'user.signed_up', user_id: userId, payload: {} }),
  passwordChanged: (userId: string): EventInput => ({ type: 'user.password_changed', user_id: userId, payload: {} }),
  emailChanged: (userId: string): EventInput => ({ type: 'user.email_changed', user_id: userId, payload: {} }),
  passwordResetRequested: (userId: string): EventInput => ({ type: 'user.password_reset_requested', user_id: userId, payload: {} }),
  verificationRequested: (userId: string): EventInput => ({ type: 'user.verification_requested', user_id: userId, payload: {} }),
  watchlistAdded: (userId: string, movieId: number): EventInput => ({ type: 'watchlist.added', user_id: userId, payload: { movie_id: movieId } }),
  watchlistRemoved: (userId: string, movieId: number): EventInput => ({ type: 'watchlist.removed', user_id: userId, payload: { movie_id: movieId } }),
  notificationCreated: (userId: string, notificationId: string): EventInput => ({
    type: 'notification.created',
    user_id: userId,
    payload: { notification_id: notificationId },
  }),
  videoUploaded: (operatorId: string, videoId: string, ladder: number, attempt: number): EventInput => ({
    type: 'video.uploaded',
    user_id: operatorId,
    payload: { video_id: videoId, ladder, attempt },
  }),
  videoReady: (operatorId: string, videoId: string, movieId: number): EventInput => ({
    type: 'video.ready',
    user_id: operatorId,
    payload: { video_id: videoId, movie_id: movieId },
  }),
  reviewPosted: (userId: string, movieId: number, rating: number): EventInput => ({
    type: 'review.posted',
    user_id: userId,
    payload: { movie_id: movieId, rating },
  }),
}

/** Reads an event out of an SQS message body (the SNS envelope, or a raw delivery). Throws on anything else. */
export function parseEventMessage(body: string): DomainEvent {
  return DomainEventSchema.parse(JSON.parse(parseSnsEnvelope(body).message))
}
