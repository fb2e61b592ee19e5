"""Visualizations for 12_transformers: attention and the tiny character GPT.

- ``attention_heatmap``: every head of the trained GPT (pick the layer and the
  head) on a string you type: the causal attention matrix and, for one query
  position, its weights over the keys as bars;
- ``positional_encoding_explorer``: the sinusoid matrix, one of its columns over
  positions and the dot products between one position and all others;
- ``sampling_explorer``: the model's next-character distribution for a prompt,
  before and after temperature, top-k and top-p, and a sample drawn with those
  settings (with the learner's ``generate`` if passed).

The model, tokenizer and training loop live in ``course.charlm``; without a
model the visualizations use ``charlm.trained_model()`` (trained once per
process, or the notebook's model after ``charlm.remember``).
"""
import numpy as np
import torch
import ipywidgets as widgets
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .. import charlm
from .base import (Explorer, dropdown, freeze_layout, int_slider, learner_function, new_figure,
                   slider, visualization)

__all__ = ["attention_heatmap", "positional_encoding_explorer", "sampling_explorer"]

MODULE = "12_transformers"
BLUE, ORANGE, GREY, RED = "#1f77b4", "#ff7f0e", "#b0b0b0", "#d62728"
PRESETS = ["the red fox sleeps by the river.", "the baker sees the cat in the barn.",
           "in the morning, the owl sings.", "my sister sells apples at the market."]
PROMPTS = ["the old miller ", "the fox and the ", "after the rain, the ", "the king calls the "]


def _model_and_tokenizer(model, tokenizer):
    if model is None or tokenizer is None:
        model, tokenizer, _ = charlm.trained_model()
    return model, tokenizer


def _show(ch):
    return {"\n": "\u21b5", " ": "\u2423"}.get(ch, ch)


def _text_box(value, options, description):
    return widgets.Combobox(value=value, options=list(options), description=description,
                            ensure_option=False, continuous_update=False,
                            style={"description_width": "initial"},
                            layout=widgets.Layout(width="340px"))


# -- attention heatmap ---------------------------------------------------------------------------
def glyph_atlas(chars, px=16):
    """``{char: (px, px) float array}``: each character rendered once (ink = 1, paper = 0).

    A row of 32 character labels drawn as one image costs a fraction of 32 text
    artists, which matters when the labels are redrawn at every slider move.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=(1, 1), dpi=px)
    canvas = FigureCanvasAgg(fig)
    text = fig.text(0.5, 0.5, "", ha="center", va="center", family="monospace", fontsize=50)
    atlas = {}
    for ch in chars:
        text.set_text(_show(ch))
        canvas.draw()
        atlas[ch] = 1.0 - np.asarray(canvas.buffer_rgba())[..., 0] / 255.0
    return atlas


def _label_image(atlas, chars, axis):
    tiles = [atlas[c] for c in chars]
    return np.hstack(tiles) if axis == "x" else np.vstack(tiles)


@visualization(MODULE)
def attention_heatmap(model=None, tokenizer=None, text=PRESETS[0]):
    """The trained GPT's attention, one layer and head at a time.

    Top: the (T, T) weights of the chosen head on ``text`` (row = the character
    doing the looking, the query; column = the character looked at, the key);
    the upper triangle is empty because the model is causal, and the chosen
    query's row is framed in red. Bottom: that query's row for every head of
    every layer at once, so you can compare what the heads do. Type any string
    (characters outside the vocabulary are dropped, only the last
    ``block_size`` characters are kept).

    Arguments: ``model`` (a ``charlm.TinyGPT``-like model whose blocks have
    ln1, q_proj, k_proj, with ``n_heads`` and ``block_size``) and its
    ``tokenizer``; default: ``charlm.trained_model()``; ``text``: the first input.

    Example::

        attention_heatmap(gpt, tok, "the owl sings by the river.")
    """
    model, tok = _model_and_tokenizer(model, tokenizer)
    L, H, B = len(model.blocks), model.n_heads, model.block_size
    cache = {}

    def maps_for(s):
        if s not in cache:
            ids = tok.encode(s.lower())[-B:]
            if len(ids) == 0:
                ids = tok.encode(PRESETS[0])[-B:]
            cache[s] = (tok.decode(ids), charlm.attention_maps(model, ids[None]).numpy())
        return cache[s]

    fig = new_figure(7.6, 6.0)
    ax_map, ax_all = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3.4, 1]})
    image = ax_map.imshow(np.full((B, B), np.nan), vmin=0, vmax=1, cmap="viridis",
                          interpolation="nearest", aspect="auto")
    strip = ax_all.imshow(np.zeros((L * H, B)), vmin=0, vmax=1, cmap="viridis",
                          interpolation="nearest", aspect="auto")
    fig.colorbar(image, ax=[ax_map, ax_all], shrink=0.6, label="attention weight", ticks=[0, 0.5, 1])
    row_box = ax_map.add_patch(Rectangle((-0.5, -0.5), B, 1, fill=False, edgecolor=RED,
                                         linewidth=1.5))
    head_box = ax_all.add_patch(Rectangle((-0.5, -0.5), B, 1, fill=False, edgecolor=RED,
                                          linewidth=1.5))
    ax_map.set_xticks([])
    ax_map.set_yticks([])
    ax_all.set_yticks(range(L * H), [f"L{l} H{h}" for l in range(L) for h in range(H)], fontsize=7)
    ax_all.tick_params(length=0)
    ax_map.set_ylabel("query (the character looking)", labelpad=22)
    ax_all.set_xlabel("key (the character looked at)", labelpad=16)
    title = ax_map.set_title(" ", fontsize=10)
    atlas = glyph_atlas(tok.chars)
    ax_xl = ax_all.inset_axes([0, -0.16, 1, 0.13], sharex=ax_all)
    ax_yl = ax_map.inset_axes([-0.04, 0, 0.035, 1], sharey=ax_map)
    x_labels = ax_xl.imshow(np.zeros((16, 16)), cmap="Greys", vmin=0, vmax=1, aspect="auto")
    y_labels = ax_yl.imshow(np.zeros((16, 16)), cmap="Greys", vmin=0, vmax=1, aspect="auto")
    ax_xl.set_axis_off()
    ax_yl.set_axis_off()
    ax_all.set_ylim(L * H - 0.5, -0.5)
    state = {"text": None}

    controls = {
        "text": _text_box(text, PRESETS, "input"),
        "layer": dropdown(list(range(L)), L - 1, "layer"),
        "head": dropdown(list(range(H)), 0, "head"),
        "query": int_slider(B - 1, 0, B - 1, "query position"),
    }

    def draw(text, layer, head, query):
        shown, maps = maps_for(text)
        T = len(shown)
        q = min(query, T - 1)
        w = maps[layer, head]
        if state["text"] != shown:           # labels and limits change only with the text
            x_labels.set_data(_label_image(atlas, shown, "x"))
            x_labels.set_extent((-0.5, T - 0.5, 1, 0))
            y_labels.set_data(_label_image(atlas, shown, "y"))
            y_labels.set_extent((0, 1, T - 0.5, -0.5))
            ax_xl.set_ylim(1, 0)
            ax_yl.set_xlim(0, 1)
            ax_map.set_xlim(-0.5, T - 0.5)
            ax_map.set_ylim(T - 0.5, -0.5)
            state["text"] = shown
        full = np.full((B, B), np.nan)
        full[:T, :T] = np.where(np.tril(np.ones((T, T), bool)), w, np.nan)
        image.set_data(full)
        rows = np.full((L * H, B), np.nan)
        rows[:, :T] = maps[:, :, q, :].reshape(L * H, T)
        strip.set_data(rows)
        row_box.set_y(q - 0.5)
        row_box.set_width(T)
        head_box.set_y(layer * H + head - 0.5)
        head_box.set_width(T)
        top = int(np.argmax(w[q, :q + 1]))
        title.set_text(f"layer {layer}, head {head} on '{shown}'")
        note = "" if q == query else f" (the input has {T} characters: query clipped to {q})"
        return (f"layer {layer}, head {head}: the query '{_show(shown[q])}' at position {q} attends "
                f"most to '{_show(shown[top])}' at position {top} (weight {w[q, top]:.2f}){note}. "
                "Look for heads that attend to the previous character, to the start of the word, "
                "or to the last space.")

    ex = Explorer(controls, fig, draw, title="Attention heatmap of the trained GPT")
    ex.model, ex.tokenizer, ex.maps_for = model, tok, maps_for
    ex.image, ex.strip, ex.row_box, ex.head_box = image, strip, row_box, head_box
    ex.x_labels, ex.y_labels, ex.atlas, ex.state = x_labels, y_labels, atlas, state
    return freeze_layout(ex)


# -- positional encodings --------------------------------------------------------------------------
@visualization(MODULE)
def positional_encoding_explorer(encoding=None, T=64, d=32):
    """Sinusoidal positional encodings, explored.

    Left: the (T, d) matrix PE (rows = positions, columns = dimensions) with the
    chosen position and dimension marked. Top right: column ``dimension`` as a
    function of the position, a sinusoid whose wavelength grows with the
    dimension. Bottom right: the dot products PE[position] . PE[q] for every q,
    largest at q = position and symmetric around it: the similarity of two
    positions depends on their distance.

    ``encoding``: the learner's ``sinusoidal_positional_encoding(T, d)`` to draw
    theirs (falls back to the built-in one if it is missing or fails).

    Example::

        positional_encoding_explorer(sinusoidal_positional_encoding, T=100, d=64)
    """
    def probe(fn):
        out = np.asarray(torch.as_tensor(fn(4, 6)).detach().cpu(), float)
        if out.shape != (4, 6):
            raise ValueError(f"returned shape {out.shape} for T=4, d=6")
    fn, note = learner_function(encoding, probe, charlm.sinusoids)
    pe = np.asarray(torch.as_tensor(fn(T, d)).detach().cpu(), float)
    gram = pe @ pe.T

    fig = new_figure(8.8, 4.2)
    grid = fig.add_gridspec(2, 2, width_ratios=[1, 1.3])
    ax_m = fig.add_subplot(grid[:, 0])
    ax_c = fig.add_subplot(grid[0, 1])
    ax_d = fig.add_subplot(grid[1, 1])
    ax_m.imshow(pe, aspect="auto", cmap="RdBu_r", vmin=-1, vmax=1, interpolation="nearest")
    ax_m.set_xlabel("dimension i")
    ax_m.set_ylabel("position")
    row_line = ax_m.axhline(0, color="k", lw=1)
    col_line = ax_m.axvline(0, color="k", lw=1)
    positions = np.arange(T)
    fine = np.linspace(0, T - 1, 8 * T)
    (smooth,) = ax_c.plot(fine, np.zeros_like(fine), color=GREY, lw=1)
    (col_pts,) = ax_c.plot(positions, pe[:, 0], ".", ms=5, color=BLUE)
    (col_mark,) = ax_c.plot([0], [pe[0, 0]], "o", ms=8, color=RED)
    ax_c.set_ylim(-1.15, 1.15)
    ax_c.set_xlim(-1, T)
    ax_c.set_ylabel("PE[pos, i]")
    col_title = ax_c.set_title(" ", fontsize=9)
    (dots,) = ax_d.plot(positions, gram[0], "-", color=ORANGE)
    (dot_mark,) = ax_d.plot([0], [gram[0, 0]], "o", ms=8, color=RED)
    ax_d.set_xlim(-1, T)
    ax_d.set_ylim(gram.min() - 1, gram.max() + 1)
    ax_d.set_xlabel("position q")
    ax_d.set_ylabel("PE[pos] . PE[q]")
    step = max(1, T // 4)
    ax_m.set_xticks(range(0, d, max(1, d // 4)))
    ax_m.set_yticks(range(0, T, step))
    ax_c.set_xticks(range(0, T, step), [])
    ax_c.set_yticks([-1, 0, 1])
    ax_d.set_xticks(range(0, T, step))
    ax_d.set_yticks(np.round(np.linspace(gram.min(), gram.max(), 3), 1))

    controls = {"position": int_slider(10, 0, T - 1, "position"),
                "dimension": int_slider(0, 0, d - 1, "dimension i")}

    def draw(position, dimension):
        row_line.set_ydata([position, position])
        col_line.set_xdata([dimension, dimension])
        freq = 10000.0 ** (-(dimension // 2 * 2) / d)
        wave = np.sin(fine * freq) if dimension % 2 == 0 else np.cos(fine * freq)
        smooth.set_ydata(wave)
        col_pts.set_ydata(pe[:, dimension])
        col_mark.set_data([position], [pe[position, dimension]])
        dots.set_ydata(gram[position])
        dot_mark.set_data([position], [gram[position, position]])
        kind = "sin" if dimension % 2 == 0 else "cos"
        col_title.set_text(f"column {dimension}: {kind}(pos x {freq:.3g}), wavelength "
                           f"{2 * np.pi / freq:.3g} positions")
        nearest = gram[position].copy()
        nearest[position] = -np.inf
        q = int(np.argmax(nearest))
        return (f"PE[{position}] has norm<sup>2</sup> {gram[position, position]:.1f} (= d/2); its most "
                f"similar other position is {q} (dot product {gram[position, q]:.2f}). Low dimensions "
                f"turn fast, high ones slowly: together they spell the position like the hands of a "
                f"clock.{note}")

    ex = Explorer(controls, fig, draw, title="Sinusoidal positional encodings")
    ex.pe, ex.gram = pe, gram
    ex.lines = {"column": col_pts, "smooth": smooth, "dots": dots, "row": row_line, "col": col_line}
    return freeze_layout(ex)


# -- temperature, top-k, top-p ----------------------------------------------------------------------
@visualization(MODULE)
def sampling_explorer(model=None, tokenizer=None, generate=None, prompt=PROMPTS[0]):
    """How temperature, top-k and top-p reshape the next-character distribution.

    Top: the trained GPT's distribution for the character after ``prompt``
    (bars sorted by probability). Bottom: the same after dividing the logits by
    the temperature and keeping the top-k characters (0 = all) and the smallest
    set reaching probability top-p (1 = all). "sample" draws 80 characters with
    these settings (a new seed per click).

    ``generate``: the learner's ``generate(model, idx, max_new_tokens,
    temperature, top_k)`` to sample with (top-p, which it does not have, always
    uses the built-in sampler).

    Example::

        sampling_explorer(gpt, tok, generate, prompt="the fox and the ")
    """
    model, tok = _model_and_tokenizer(model, tokenizer)
    V = tok.vocab_size

    def probe(fn):
        with torch.random.fork_rng():
            out = fn(model, tok.encode("the ")[None].to(next(model.parameters()).device), 2,
                     temperature=1.0, top_k=None)
        if tuple(out.shape) != (1, 6):
            raise ValueError(f"returned shape {tuple(out.shape)} for 2 new tokens after 4")
    user_generate, note = learner_function(generate, probe, None)
    cache = {}

    def logits_for(p):
        if p not in cache:
            ids = tok.encode(p.lower())
            if len(ids) == 0:
                ids = tok.encode(PROMPTS[0])
            cache[p] = (ids, charlm.next_token_logits(model, ids[None])[0])
        return cache[p]

    fig = new_figure(8.0, 4.4)
    ax_p, ax_q = fig.subplots(2, 1, sharex=True)
    x = np.arange(V)
    bars_p = ax_p.bar(x, np.zeros(V), color=GREY)
    bars_q = ax_q.bar(x, np.zeros(V), color=BLUE)
    for ax, label in ((ax_p, "model (T = 1)"), (ax_q, "after T, top-k, top-p")):
        ax.set_ylim(0, 1.02)
        ax.set_ylabel(label, fontsize=9)
    ax_q.set_xticks([])
    for ax in (ax_p, ax_q):
        ax.set_yticks([0, 0.5, 1])
    ax_q.set_xlim(-0.6, V - 0.4)
    atlas = glyph_atlas(tok.chars)
    ax_xl = ax_q.inset_axes([0, -0.14, 1, 0.12], sharex=ax_q)
    x_labels = ax_xl.imshow(np.zeros((16, 16)), cmap="Greys", vmin=0, vmax=1, aspect="auto",
                            extent=(-0.5, V - 0.5, 1, 0))
    ax_xl.set_axis_off()
    entropy_text = ax_q.text(0.99, 0.95, "", transform=ax_q.transAxes, ha="right", va="top",
                             fontsize=9)
    state = {"prompt": None, "seed": 0, "sample": ""}

    controls = {
        "prompt": _text_box(prompt, PROMPTS, "prompt"),
        "temperature": slider(1.0, 0.1, 3.0, 0.05, "temperature T"),
        "top_k": int_slider(0, 0, V, "top-k (0 = off)"),
        "top_p": slider(1.0, 0.05, 1.0, 0.05, "top-p"),
    }

    def settings(temperature, top_k, top_p):
        return dict(temperature=temperature, top_k=top_k or None,
                    top_p=None if top_p >= 1.0 else top_p)

    def sample():
        v = ex.values
        ids, _ = logits_for(v["prompt"])
        s = settings(v["temperature"], v["top_k"], v["top_p"])
        state["seed"] += 1
        with torch.random.fork_rng():
            torch.manual_seed(state["seed"])
            if user_generate is not None and s["top_p"] is None:
                dev = next(model.parameters()).device
                out = user_generate(model, ids[None].to(dev), 80, temperature=s["temperature"],
                                    top_k=s["top_k"]).cpu()
                who = "your generate"
            else:
                out = charlm.generate(model, ids[None], 80, **s)
                who = "built-in sampler"
        text = tok.decode(out[0, len(ids):]).replace("\n", " \u21b5 ")
        state["sample"] = (f"<br><b>sample</b> ({who}, T={s['temperature']:.2f}, top-k={s['top_k']}, "
                           f"top-p={s['top_p']}): <tt>{tok.decode(ids)}<u>{text}</u></tt>")

    def draw(prompt, temperature, top_k, top_p):
        ids, logits = logits_for(prompt)
        p = torch.softmax(logits, -1).numpy()
        order = np.argsort(-p, kind="stable")
        q = torch.softmax(charlm.filter_logits(logits, **settings(temperature, top_k, top_p)),
                          -1).numpy()
        for k, j in enumerate(order):
            bars_p[k].set_height(p[j])
            bars_q[k].set_height(q[j])
            bars_q[k].set_color(BLUE if q[j] > 0 else GREY)
        if state["prompt"] != prompt:
            x_labels.set_data(_label_image(atlas, [tok.chars[j] for j in order], "x"))
            state["prompt"] = prompt
        kept = int((q > 0).sum())
        h = -(q[q > 0] * np.log(q[q > 0])).sum()
        entropy_text.set_text(f"{kept} of {V} characters kept, entropy {h:.2f} nats")
        best = order[0]
        return (f"after '{tok.decode(ids)[-20:]}': the most likely next character is "
                f"'{_show(tok.chars[best])}' ({p[best]:.2f} at T = 1, {q[best]:.2f} now). "
                "T < 1 sharpens, T > 1 flattens; top-k and top-p cut the unlikely tail."
                + note + state["sample"])

    ex = Explorer(controls, fig, draw, title="Sampling: temperature, top-k, top-p",
                  buttons={"sample": (widgets.Button(description="sample", icon="random",
                                                     layout=widgets.Layout(width="110px")), sample)})
    ex.bars_p, ex.bars_q, ex.logits_for, ex.state = bars_p, bars_q, logits_for, state
    ex.x_labels, ex.atlas = x_labels, atlas
    return freeze_layout(ex)
