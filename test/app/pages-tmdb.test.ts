import { beforeEach, describe, expect, it } from 'vitest'
import { fakeTmdb, tmdbHarness } from '../support/harness/tmdb'

/**
 * The pages on TMDB data (the fake TMDB server): attribution, TMDB image sizes,
 * the click-to-play trailer, and escaping of hostile titles (fixture movie-4242).
 */

const IMAGE = 'https://image.tmdb.org/t/p'

beforeEach(() => fakeTmdb.reset())

describe('pages on TMDB', () => {
  it('credits TMDB in the footer and offers TMDB poster sizes through srcset', async () => {
    const { status, body } = await tmdbHarness().get('/')
    expect(status).toBe(200)
    expect(body).toContain('This product uses the TMDB API but is not endorsed or certified by TMDB.')
    expect(body).not.toContain('vega-datasets')
    expect(body).toMatch(new RegExp(`srcset="${IMAGE}/w185/[^ ]+ 185w, ${IMAGE}/w342/[^ ]+ 342w, ${IMAGE}/w500/[^ ]+ 500w"`))
    expect(body).toMatch(/<img class="hero-backdrop"[^>]*srcset="[^"]*\/w1280\/[^"]* 1280w"/)
  })

  it('shows the trailer as a facade: a link to YouTube that htmx swaps for the privacy-enhanced embed', async () => {
    const tmdb = tmdbHarness()
    const { status, body } = await tmdb.get('/movies/11')
    expect(status).toBe(200)
    expect(body).toMatch(
      /<a class="trailer-facade" href="https:\/\/www\.youtube\.com\/watch\?v=[\w-]+"[^>]*hx-get="\/movies\/11\/trailer" hx-target="#trailer"/,
    )
    // Nothing external loads until the click.
    expect(body).not.toContain('<iframe')
    expect(body).not.toContain('youtube-nocookie')

    const embed = await tmdb.get('/movies/11/trailer', { headers: { 'HX-Request': 'true' } })
    expect(embed.status).toBe(200)
    expect(embed.body).toMatch(/^<iframe class="trailer-frame" src="https:\/\/www\.youtube-nocookie\.com\/embed\/[\w-]+\?autoplay=1"/)
    expect(embed.body).toContain('title="Trailer: Star Wars"')

    const withoutJs = await tmdb.get('/movies/11/trailer', { redirect: 'manual' })
    expect(withoutJs.status).toBe(303)
    expect(withoutJs.headers.get('Location')).toMatch(/^https:\/\/www\.youtube\.com\/watch\?v=[\w-]+$/)
  })

  it('leaves the trailer and cast sections out when TMDB has none', async () => {
    const { status, body } = await tmdbHarness().get('/movies/194')
    expect(status).toBe(200)
    expect(body).not.toContain('id="trailer"')
    expect(body).not.toMatch(/>Trailer</)
    expect((await tmdbHarness().get('/movies/194/trailer')).status).toBe(404)
  })

  it('escapes a title, tagline, overview and credits that contain markup', async () => {
    const tmdb = tmdbHarness()
    const { status, body } = await tmdb.get('/movies/4242')
    expect(status).toBe(200)
    expect(body).not.toMatch(/<script>alert/)
    expect(body).not.toMatch(/<img src=x/)
    expect(body).not.toContain('<b>Bold</b>')
    expect(body).toContain('&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; Heist &amp; &quot;Co&quot;')
    expect(body).toContain('<title>&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; Heist &amp; &quot;Co&quot; (2001) · Flixpeek</title>')
    expect(body).toContain('Dana &lt;Director&gt;')
    const embed = await tmdb.get('/movies/4242/trailer', { headers: { 'HX-Request': 'true' } })
    expect(embed.body).toContain('title="Trailer: &lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; Heist &amp; &quot;Co&quot;"')
    expect(embed.body).toContain('https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1')
  })

  it('serves a friendly 503 page when TMDB is down and nothing is cached', async () => {
    await fakeTmdb.control('down')
    const { status, body } = await tmdbHarness({ timeoutMs: 500 }).get('/movies/11')
    expect(status).toBe(503)
    expect(body).toContain('The catalog is taking a break')
  })
})
