import { emailTokensParticipant } from './accounts/email-tokens'
import { profileKey } from './accounts/keys'
import { Accounts } from './accounts/service'
import { LIMITS, Throttle } from './accounts/throttle'
import { provideArgon2Module } from './auth/argon2'
import { DynamoDb } from './aws/dynamodb'
import { Ses } from './aws/ses'
import { Sns } from './aws/sns'
import { Sqs } from './aws/sqs'
import { createCatalog, createWatchProviders, type Catalog, type WatchProviders } from './catalog'
import { catalogMissGuard } from './catalog/miss-limit'
import type { Config } from './config'
import { prefetching, readPlans, type ReadPlan } from './data/prefetch'
import type { DataStore } from './data/store'
import { handlersByType, queueAt, type EventHandlers, type EventQueue } from './events/dispatcher'
import { eventMarkers, type OnceFor } from './events/markers'
import { createOutbox, flushOutbox, type FlushReport, type TopicClient } from './events/outbox'
import type { DomainEvent } from './events/schema'
import { createReadiness, type Readiness } from './health/readiness'
import { emailChannel } from './mail/channel'
import { DigestSubscribers, queueWeeklyDigests } from './mail/digest'
import { mailHandler, type MailHint, type MailJobs } from './mail/handler'
import { DEVELOPMENT_ORIGIN, mailLinks } from './mail/links'
import { budgetedMailer, logMailer, type Mailer } from './mail/mailer'
import { sesMailer, type EmailTransport } from './mail/ses-mailer'
import { unsubscribeSigner } from './mail/unsubscribe'
import { notificationsParticipant } from './notifications'
import { inAppChannel, type DeliveryChannel } from './notifications/channels'
import { announcer, deliveryHandler } from './notifications/delivery'
import { notificationHandler } from './notifications/handler'
import { announceStreaming, type ReleaseAlertOptions } from './notifications/release-alerts'
import { ruleContext } from './notifications/rules'
import { NotificationService } from './notifications/service'
import { NotificationStore } from './notifications/store'
import { unreadSummaryKey } from './notifications/unread'
import type { Defer, Platform } from './platform'
import { PlaybackService } from './playback/service'
import { PlaybackAnalytics } from './playback/analytics'
import { ProgressService, progressParticipant, watchedSummaryKey } from './progress'
import { parseAllowedHosts, pushChannel, pushParticipant, PushSubscriptionStore } from './push'
import { PushService } from './push/service'
import { CollaborativeFilter, likesOf, RecommendationService, RecommendationStore, recommendationsParticipant, signalSources, versionSlot } from './recommendations'
import { ReviewService, reviewsParticipant } from './reviews'
import { cursorCodec } from './shared/cursor'
import { lazy, withGetters } from './shared/lazy'
import { WatchlistService, watchlistParticipant } from './watchlist'
import { summaryKey } from './watchlist/summary'
import { readyMapChanged, VideoService, VideoStore, videosParticipant } from './videos'
import { DownloadService, DownloadStore, downloadsParticipant, videoChangedForDownloads } from './downloads'

/** What routes and jobs use: domain services and ports, never AWS clients. Built per request (and cron run); tests pass their own factory to createApp. */
export interface Services {
  readonly config: Config
  /** Runs work after the response is sent (the platform's waitUntil); failures are logged. */
  defer: Defer
  /** The film catalog: TMDB behind the cache with a credential, else the bundled catalog; and where to watch its films. */
  readonly catalog: Catalog
  readonly watchProviders: WatchProviders
  /** Sign-up, login, sessions, profile, preferences, export and deletion. */
  readonly accounts: Accounts
  readonly watchlist: WatchlistService
  readonly reviews: ReviewService
  /** A user's in-app notifications, rendered in their language when read. */
  readonly notifications: NotificationService
  readonly mailer: Mailer
  /** The event consumer's parts: the queue (null without SQS_QUEUE_URL), the handlers per event type, their markers. */
  readonly events: { queue: EventQueue | null; securityQueue: EventQueue | null; handlers: EventHandlers; once: OnceFor }
  /** What the daily release alerts read and write. */
  readonly releaseAlerts: ReleaseAlertOptions
  /** Publishes what the outbox still holds (the drain cron's first step). */
  readonly flushOutbox: (opts?: { graceMs?: number; limit?: number }) => Promise<FlushReport>
  /** Readiness: whether the data store answers (a cheap read, cached a few seconds per isolate). */
  readonly readiness: () => Promise<Readiness>
  /** Before authentication: reads the page will make for a signed-in user (a film page's plans: src/reviews,
   * src/recommendations) come back with the session's profile in one DynamoDB call. This request's only. */
  readAhead(plan: ReadPlan): void
  /** Personal picks, dismissals, recent views (src/recommendations/). */
  readonly recommendations: RecommendationService
  /** Item–item neighbour lists: the event handler's and the daily cron's work. */
  readonly collaborative: CollaborativeFilter
  /** Web Push: the VAPID key and the user's subscriptions (delivery is a channel: src/push/channel.ts). */
  readonly push: PushService
  /** The video library (src/videos/): operators' uploads, films' ready videos, the deletion job. */
  readonly videos: VideoService
  /** Starting to watch (src/playback/): a media token per start, limited per viewer. */
  readonly playback: PlaybackService
  /** Where viewers stopped (src/progress/): the player's reports, Resume, Continue watching. */
  readonly progress: ProgressService
  /** Films kept on devices (src/downloads/): limits, expiry, and the check of every /media/d/ request. */
  readonly downloads: DownloadService
  /** Email beyond the per-event sends: the weekly digest cron, its signed unsubscribe links, sends after a response. */
  readonly mail: MailJobs
}

export interface ServiceContext {
  config: Config
  platform: Platform
  /** The request's origin (`https://host`): absolute URLs of generated artwork. Absent in cron jobs. */
  origin?: string
  /** Replaces an adapter (tests: a store or SNS client that misbehaves on purpose); `channels` adds delivery channels. */
  adapters?: { db?: () => DataStore; topic?: () => TopicClient; ses?: () => EmailTransport; channels?: DeliveryChannel[] }
  /** The client key for per-client limits (src/http/client-key.ts). Absent in cron jobs. */
  client?: string
}

export type ServicesFactory = (ctx: ServiceContext) => Services

/** The composition root: the only place the AWS adapters are constructed and wired to the features. */
export const createServices: ServicesFactory = ({ config, platform, origin, client, adapters = {} }) => {
  provideArgon2Module(platform.argon2Module)
  const table = config.DYNAMODB_TABLE
  const defer: Defer = (work) => platform.defer(work.catch((error: unknown) => console.error('deferred work failed', error)))
  // The runtime's own credentials (Node: task role / IRSA) override config's static keys when it has them.
  const aws = platform.awsCredentials ? { credentials: platform.awsCredentials } : {}
  // Per request (services are): reads known in advance go out in one BatchGetItem (see `plans` below).
  const db = lazy(() => prefetching(adapters.db ? adapters.db() : DynamoDb.fromConfig(config, aws)))
  const topic = adapters.topic ?? lazy(() => Sns.fromConfig(config, aws))
  const sqs = lazy(() => Sqs.fromConfig(config, aws))
  const ses = lazy<EmailTransport>(adapters.ses ?? (() => Ses.fromConfig(config, aws)))
  const markers = lazy(() => eventMarkers(db(), table))
  const outbox = lazy(() => createOutbox({ db: db(), table, topicArn: config.SNS_TOPIC_ARN, topic, defer }))
  const catalog = lazy(() => createCatalog(config, { cache: platform.cache, defer, origin, beforeMiss: catalogMissGuard(config, db, client) }))
  const watchProviders = lazy(() => createWatchProviders(config, { cache: platform.cache, defer, beforeMiss: catalogMissGuard(config, db, client) }))
  const base = config.publicUrl ?? origin ?? DEVELOPMENT_ORIGIN
  // Page cursors are signed with a key derived from the JWT secret under a label of their own.
  const cursors = cursorCodec(config.jwtSecret)
  const notificationStore = lazy(() => new NotificationStore(db(), table, cursors, defer))
  const notifications = lazy(() => new NotificationService({ store: notificationStore(), catalog: catalog() }))
  // A change of a user's list or ratings recomputes their picks after the response.
  const onChanged = (userId: string, language?: string) => recommendations().refreshSoon(userId, language ? { language } : {})
  const watchlist = lazy(() => new WatchlistService({ db: db(), table, catalog: catalog(), outbox: outbox(), cursors, defer, onChanged }))
  const reviews = lazy(() => new ReviewService({ db: db(), table, catalog: catalog(), outbox: outbox(), cursors, onChanged, onRated: (userId, movieId, language) => recommendations().rated(userId, movieId, language ? { language } : {}) }))
  const sources = signalSources(watchlist, reviews, () => progress())
  // The picks' version is mirrored on the profile, which every signed-in request reads anyway (prefetched with the summary).
  const recommendationStore = lazy(() => new RecommendationStore(db(), table, versionSlot(db(), table, profileKey)))
  const collaborative = lazy(() => new CollaborativeFilter({ db: db(), table, likesOf: likesOf(sources) }))
  const recommendations = lazy(() => new RecommendationService({ store: recommendationStore(), catalog: catalog(), collaborative: collaborative(), defer, sources }))
  // A signed-in request reads the profile (authentication), the list's and watched films' summaries (the cards' marks)
  // and the unread summary (the bell): one call, not four. A route may add more (readAhead): they join the same call.
  const plans = readPlans((userId) => [profileKey(userId), summaryKey(userId), unreadSummaryKey(userId), watchedSummaryKey(userId)])
  const accounts = lazy(
    () =>
      new Accounts({
        db: db(),
        table,
        config,
        outbox: outbox(),
        participants: () => [
          reviewsParticipant(reviews()), watchlistParticipant(watchlist()), notificationsParticipant(notificationStore()),
          recommendationsParticipant(recommendationStore(), (userId) => collaborative().forget(userId)),
          emailTokensParticipant(db(), table), digestSubscribers().participant(), pushParticipant(pushStore()),
          videosParticipant(videoStore()), progressParticipant(progress()), downloadsParticipant(downloads()),
        ],
        onDisplayNameChanged: (userId, name) => reviews().renameReviewer(userId, name),
        onDigestChanged: (userId, subscribed) => digestSubscribers().set(userId, subscribed),
        // On a later turn of the event loop: the request's own store calls are over before the email's begin.
        mailNow: (event, hint) => defer(new Promise((resolve) => setTimeout(resolve, 0)).then(() => deliverMail(event, hint))),
        beforeProfileRead: (userId) => db().prefetch(table, plans.keysFor(userId)),
      }),
  )
  // SES when an endpoint is configured or in production (AWS's regional endpoint), else the logging stand-in; either way each mail counts against its recipient's day.
  const transport = () => (config.SES_ENDPOINT || config.isProduction ? sesMailer({ ses: ses(), from: config.MAIL_FROM }) : logMailer({ production: config.isProduction }))
  const mailer = lazy(() => budgetedMailer(transport(), { reserve: (to) => throttle().reserve(LIMITS.mailPerRecipient, to) }))
  const digestSubscribers = lazy(() => new DigestSubscribers(db(), table))
  const unsubscribeLinks = unsubscribeSigner(config.jwtSecret)
  const mail = lazy(() =>
    mailHandler({
      mailer: mailer(),
      links: mailLinks(base),
      profileOf: (userId) => accounts().profileOf(userId),
      issueToken: (userId, purpose, email) => accounts().tokens.issue(userId, purpose, email),
      unreadSince: (userId, since, language) => notifications().unreadSince(userId, since, language),
      unsubscribeSignature: (userId) => unsubscribeLinks.sign(userId),
    }),
  )
  const deliverMail = (event: DomainEvent, hint?: MailHint) => mail().deliver(event, markers()(event, 'mail'), hint)
  const videoStore = lazy(() => new VideoStore(db(), table))
  const videos = lazy(() => new VideoService({ store: videoStore(), media: platform.media, outbox: outbox(), catalog: catalog(), config, onChanged: () => (readyMapChanged(), videoChangedForDownloads()), deadlineMs: Number(platform.vars.RENDER_DEADLINE_MS) || undefined }))
  const throttle = lazy(() => new Throttle(db(), table, Date.now, config.PASSWORD_PEPPER ?? config.jwtSecret))
  const progress = lazy(() => new ProgressService({ db: db(), table, videos: videos(), catalog: catalog(), throttle: throttle(), onWatched: onChanged, hasVideo: async (id) => (await videos().filmVideo(id)).video !== null }))
  const analytics = lazy(() => new PlaybackAnalytics({ db: db(), table, throttle: throttle(), isReady: async (id) => (await videoStore().get(id))?.status === 'ready', averageWatched: (...args) => progress().averageWatched(...args) }))
  const playback = lazy(() => new PlaybackService({ videos: videos(), throttle: throttle(), config, client, analytics: analytics(), resumeAt: (userId, movieId) => progress().resumeAt(userId, movieId) }))
  // A download's files are checked against its record and the video row (src/downloads/grants.ts: a minute per isolate).
  const downloads = lazy(() => new DownloadService({ store: new DownloadStore(db(), table), videos: videos(), media: platform.media, secret: config.jwtSecret }))
  const pushStore = lazy(() => new PushSubscriptionStore(db(), table))
  const pushService = lazy(() => new PushService({ store: pushStore(), publicKey: config.vapid?.publicKey ?? null, production: config.isProduction, allowedHosts: parseAllowedHosts(config.PUSH_ALLOWED_HOSTS) ?? [] }))
  // Where a notification goes (src/notifications/channels.ts): in-app, email (in the digest only), Web Push, and any a test adds.
  const channels = lazy(() => [
    inAppChannel,
    emailChannel,
    pushChannel({ vapid: config.vapid, subscriptions: pushStore(), catalog: catalog(), base, allows: (endpoint) => pushService().acceptsEndpoint(endpoint) }),
    ...(adapters.channels ?? []),
  ])
  const delivery = lazy(() =>
    deliveryHandler({ channels: channels(), profileOf: (userId) => accounts().profileOf(userId), store: notificationStore(), catalog: catalog(), once: markers() }),
  )
  const announce = lazy(() => announcer({ channels: channels(), outbox, delivery, defer }))
  const events = lazy(() => {
    const [queue, securityQueue] = [config.SQS_QUEUE_URL, config.securityQueueUrl].map((url) => (url ? queueAt(sqs, url) : null)) as [EventQueue | null, EventQueue | null]
    const owners = { catalog: catalog(), accounts: accounts(), watchlist: watchlist(), reviews: reviews(), notifications: notificationStore(), recommendations: recommendations() }
    const notify = notificationHandler({ db: db(), table, store: notificationStore(), announce: announce(), streaming: (movieId, at) => announceStreaming(releaseAlerts(), movieId, at), ...ruleContext(owners) })
    return { queue, securityQueue, handlers: handlersByType([notify, mail(), collaborative().handler(), delivery()]), once: markers() }
  })
  const releaseAlerts = lazy<ReleaseAlertOptions>(() => ({ db: db(), table, store: notificationStore(), catalog: catalog(), audience: watchlist(), preferencesOf: (userIds: string[]) => accounts().preferencesOf(userIds), announce: announce() }))
  return withGetters<Services>()(
    {
      config,
      defer,
      readiness: () => createReadiness({ db: db(), table, cacheKey: `${config.DYNAMODB_ENDPOINT ?? 'aws'}|${config.AWS_REGION}|${table}` })(),
      readAhead: (plan) => plans.add(plan),
      mail: {
        weeklyDigest: (now) => queueWeeklyDigests({ subscribers: digestSubscribers(), outbox: { db: db(), table, topicArn: config.SNS_TOPIC_ARN, topic }, now }),
        unsubscribe: async (userId, signature) => (await unsubscribeLinks.verify(userId, signature)) && accounts().unsubscribeDigest(userId),
        deliver: deliverMail,
      },
      flushOutbox: (opts) => flushOutbox({ db: db(), table, topicArn: config.SNS_TOPIC_ARN, topic }, opts),
    },
    { catalog, watchProviders, accounts, watchlist, reviews, notifications, mailer, events, releaseAlerts, recommendations, push: pushService, collaborative, videos, playback, progress, downloads },
  )
}
