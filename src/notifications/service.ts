import type { Catalog } from '../catalog/types'
import { createTranslator, type Translator } from '../i18n/translator'
import { renderAll } from './render'
import type { Notification, NotificationPage, NotificationStore } from './store'

/** The reader: notifications render in their language (their translator, and TMDB names in that language). */
export interface Reader {
  id: string
  language?: string
  t: Translator
}

/** A user's in-app notifications as they read them: stored as {template, params}, rendered on the way out. */
export class NotificationService {
  constructor(private readonly deps: { store: NotificationStore; catalog: Pick<Catalog, 'many' | 'genres'> }) {}

  private options(reader: Reader) {
    return reader.language ? { language: reader.language } : {}
  }

  /** Newest first, 20 per page. */
  async list(reader: Reader, page = 1): Promise<Notification[]> {
    return renderAll(await this.deps.store.list(reader.id, page), this.deps.catalog, reader.t, this.options(reader))
  }

  /** One page after a cursor (or numbered), newest first, rendered; `next_cursor` continues it. */
  async page(reader: Reader, request: { page?: number; cursor?: string }): Promise<NotificationPage<Notification>> {
    const found = await this.deps.store.page(reader.id, request)
    return { ...found, results: await renderAll(found.results, this.deps.catalog, reader.t, this.options(reader)) }
  }

  /** One notification, rendered for its reader (what a push message says); undefined when it is gone. */
  async get(reader: Reader, id: string): Promise<Notification | undefined> {
    const item = await this.deps.store.get(reader.id, id)
    return item ? (await renderAll([item], this.deps.catalog, reader.t, this.options(reader)))[0] : undefined
  }

  /** The digest's lines (src/mail): the unread ones of the newest page created since `since`, in `language`. */
  async unreadSince(userId: string, since: string, language: string): Promise<Array<{ title: string; body: string }>> {
    const rendered = await this.list({ id: userId, language, t: createTranslator(language) }, 1)
    return rendered.filter((n) => !n.read && n.created_at >= since).map((n) => ({ title: n.title, body: n.body }))
  }

  unreadCount(userId: string): Promise<number> {
    return this.deps.store.unreadCount(userId)
  }

  /** Marks one as read; undefined when the user has no such notification. */
  async markRead(reader: Reader, id: string): Promise<Notification | undefined> {
    const item = await this.deps.store.markRead(reader.id, id)
    return item ? (await renderAll([item], this.deps.catalog, reader.t, this.options(reader)))[0] : undefined
  }

  markAllRead(userId: string): Promise<number> {
    return this.deps.store.markAllRead(userId)
  }
}
