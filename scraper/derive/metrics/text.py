"""TeX -> plain text of table cells: `normalize_cell_text` for cells read as numbers,
`normalize_label` for header and row-label cells (which must stay readable: ``\\tanh`` -> ``tanh``,
``d_{\\text{model}}`` -> ``d_model``, ``\\alpha`` -> ``α``; never empty when the cell shows text)."""

from __future__ import annotations

import functools
import re

# Commands whose (first) argument is layout, not content: dropped with it. The content of
# \textcolor{red}{+2.1} or \raisebox{1ex}{85.3} stays; \phantom's is invisible.
_TEX_DROP_ARG = re.compile(
    r"\\(?:cellcolor|rowcolor|columncolor|color|textcolor|colorbox|arrayrulecolor|hspace|vspace|"
    r"hphantom|vphantom|phantom|raisebox|adjustbox)\*?\s*(?:\[[^\]]*\])?\s*\{[^{}]*\}(?:\s*\[[^\]]*\])*"
    r"|\\(?:rule|setlength|fcolorbox)\s*(?:\[[^\]]*\])?\s*\{[^{}]*\}\s*\{[^{}]*\}"
)


def _may_drop_layout(s: str) -> bool:
    """`s` may hold a command of _TEX_DROP_ARG: the name of each holds one of these words."""
    return "color" in s or "space" in s or "phantom" in s or "box" in s or "rule" in s or "setlength" in s


# Symbols read as characters (cells and labels alike).
TEX_SYMBOLS = {
    r"\pm": "±",
    r"\mp": "±",
    r"\%": "%",
    r"\times": "×",
    r"\cdot": "·",
    r"\uparrow": "↑",
    r"\downarrow": "↓",
    r"\Uparrow": "↑",
    r"\Downarrow": "↓",
    r"\dagger": "†",
    r"\ddagger": "‡",
    r"\ast": "*",
    r"\star": "*",
    r"\S": "§",
    r"\approx": "~",
    r"\sim": "~",
    r"\textasciitilde": "~",
    r"\$": "$",
    r"\#": "#",
    r"\&": "&",
    r"\_": "_",
    r"\,": " ",
    r"\;": " ",
    r"\:": " ",
    r"\!": "",
    r"\ ": " ",
    r"\quad": " ",
    r"\qquad": " ",
    r"\infty": "∞",
    r"\textendash": "–",
    r"\textemdash": "—",
    r"\leq": "≤",
    r"\le": "≤",
    r"\geq": "≥",
    r"\ge": "≥",
    r"\neq": "≠",
    r"\rightarrow": "→",
    r"\to": "→",
    r"\leftarrow": "←",
    r"\checkmark": "✓",
    r"\ell": "ℓ",
    r"\odot": "⊙",
    r"\circ": "∘",
    r"\degree": "°",
    r"\prime": "′",
    r"\ldots": "…",
    r"\dots": "…",
    r"\cdots": "…",
    r"\partial": "∂",
    r"\nabla": "∇",
    r"\sigma": "σ",  # in a value cell, a deviation in units of σ ("0.15\sigma"); labels read Greek first
}
_TEX_SYMBOL_RE = re.compile(r"\\(?:[%$#&_,;:! ]|[A-Za-z]+)")


def _symbol(m: re.Match) -> str:
    return TEX_SYMBOLS.get(m.group(0), m.group(0))


# Labels show a symbol as it is rendered (``\sim`` -> ``∼``, ``\varnothing`` -> ``∅``), where a
# value cell reads it for its meaning (``\sim 5`` -> ``~5``, an approximate value).
LABEL_SYMBOLS = {
    **TEX_SYMBOLS,
    r"\sim": "∼",
    r"\approx": "≈",
    r"\simeq": "≃",
    r"\star": "⋆",
    r"\bigstar": "★",
    r"\varnothing": "∅",
    r"\emptyset": "∅",
    r"\in": "∈",
    r"\notin": "∉",
    r"\subset": "⊂",
    r"\subseteq": "⊆",
    r"\cup": "∪",
    r"\cap": "∩",
    r"\oplus": "⊕",
    r"\otimes": "⊗",
    r"\div": "÷",
    r"\mid": "|",
    r"\vert": "|",
    r"\|": "‖",
    r"\langle": "⟨",
    r"\rangle": "⟩",
    r"\bullet": "•",
    r"\diamond": "⋄",
    r"\triangle": "△",
    r"\square": "□",
    r"\blacksquare": "■",
    r"\circledast": "⊛",
    r"\Rightarrow": "⇒",
    r"\Leftarrow": "⇐",
    r"\leftrightarrow": "↔",
    r"\Leftrightarrow": "⇔",
    r"\mapsto": "↦",
    r"\nearrow": "↗",
    r"\searrow": "↘",
    r"\propto": "∝",
    r"\perp": "⊥",
    r"\parallel": "∥",
    r"\equiv": "≡",
    r"\ll": "≪",
    r"\gg": "≫",
    r"\neg": "¬",
    r"\wedge": "∧",
    r"\vee": "∨",
    r"\forall": "∀",
    r"\exists": "∃",
    r"\hbar": "ℏ",
    r"\sum": "∑",
    r"\prod": "∏",
    r"\int": "∫",
    r"\dag": "†",
    r"\ddag": "‡",
    r"\P": "¶",
    r"\lfloor": "⌊",
    r"\rfloor": "⌋",
    r"\lceil": "⌈",
    r"\rceil": "⌉",
    r"\xmark": "✗",
    r"\cmark": "✓",
}
# A control word ends at the space after it, which TeX never shows: "\\geq 2" -> "≥2".
_LABEL_SYMBOL_RE = re.compile(r"\\(?:[%$#&_,;:! |]|([A-Za-z]+) ?)")


def _label_symbol(m: re.Match) -> str:
    word = m.group(1)
    found = LABEL_SYMBOLS.get(f"\\{word}" if word else m.group(0))
    if found is None:  # not a symbol: kept as written for the next steps (a name, a wrapper)
        return m.group(0)
    return found


_TEX_COMMAND = re.compile(r"\\[A-Za-z]+\*?")
# "2.3\cdot 10^{19}", "1.2\times10^{5}" (after the symbols above became × / ·)
_SCI_TEX = re.compile(r"(\d)\s*[×·]\s*10\s*\^?\s*\{?\s*([-+−–]?\d+)\s*\}?")
_POW10 = re.compile(r"(?<![\d.])10\s*\^\s*\{?\s*([-+−–]?\d+)\s*\}?")
# An asymmetric error "9.9^{+0.3}_{-0.2}" (or "_{-0.2}^{+0.3}"): kept as one marked token,
# "9.9 ⁺0.3⁻0.2", that the cell grammar reads as one item (cells.py).
_E = r"(\d+(?:\.\d*)?|\.\d+)"  # "0.3", ".3", "5." (a trailing dot: "23._{-6.}^{+15.}")
_ASYM_UP_DOWN = re.compile(
    rf"\^\s*\{{?\s*\+\s*{_E}\s*\}}?\s*_\s*\{{?\s*[-−–]\s*{_E}\s*\}}?"
)  # fmt: skip
_ASYM_DOWN_UP = re.compile(
    rf"_\s*\{{?\s*[-−–]\s*{_E}\s*\}}?\s*\^\s*\{{?\s*\+\s*{_E}\s*\}}?"
)  # fmt: skip
ASYM_UP, ASYM_DOWN = "⁺", "⁻"
# A power of ten written after the errors scales them with the value (the errors sit on the
# mantissa): "1.2^{+1.3}_{-0.5}\times 10^{12}" -> 1.2e12 ⁺1.3e12⁻0.5e12; "(1.2 \pm 0.3)\times
# 10^{5}" -> 1.2e5 ± 0.3e5. Errors written on the exponent stay as written (they are in dex):
# "1.8\times 10^{18^{+0.8}_{-2.1}}" -> 1.8e18 ⁺0.8⁻2.1.
_N = r"(\d+(?:\.\d*)?|\.\d+)"
_TIMES10 = r"\s*\\(?:times|cdot)\s*10\s*\^\s*\{?\s*([-+−–]?\d+)\s*\}?"
_UP = r"\^\s*\{\s*\+\s*" + _N + r"\s*\}"
_DOWN = r"_\s*\{\s*[-−–]\s*" + _N + r"\s*\}"
_MANTISSA_UP_DOWN = re.compile(_N + r"\s*" + _UP + r"\s*" + _DOWN + _TIMES10)
_MANTISSA_DOWN_UP = re.compile(_N + r"\s*" + _DOWN + r"\s*" + _UP + _TIMES10)
_MANTISSA_PM = re.compile(
    r"(?:\\left)?\(\s*([-−–]?\d+(?:\.\d*)?)\s*\\pm\s*" + _N + r"\s*(?:\\right)?\)" + _TIMES10
)
_EXPONENT_ERRORS = re.compile(
    r"(?:" + _N + r"\s*\\(?:times|cdot)\s*)?10\s*\^\s*\{\s*\{?\s*([-+−–]?\d+)\s*\}?\s*"
    r"(?:" + _UP + r"\s*" + _DOWN + r"|" + _DOWN + r"\s*" + _UP + r")\s*\}"
)


def _exp_errors(m: re.Match) -> str:
    mantissa, power = m.group(1) or "1", _exp(m.group(2))
    plus, minus = (m.group(3), m.group(4)) if m.group(3) is not None else (m.group(6), m.group(5))
    return f" {mantissa}e{power} {ASYM_UP}{plus}{ASYM_DOWN}{minus} "


def _scaled_tex_numbers(s: str) -> str:
    """The forms above, in TeX, rewritten as e-notation numbers the cell grammar reads."""
    if "10" not in s:
        return s
    if "^" in s:
        s = _EXPONENT_ERRORS.sub(_exp_errors, s)
        s = _MANTISSA_UP_DOWN.sub(
            lambda m: (
                f" {m.group(1)}e{_exp(m.group(4))} {ASYM_UP}{m.group(2)}e{_exp(m.group(4))}"
                f"{ASYM_DOWN}{m.group(3)}e{_exp(m.group(4))} "
            ),
            s,
        )
        s = _MANTISSA_DOWN_UP.sub(
            lambda m: (
                f" {m.group(1)}e{_exp(m.group(4))} {ASYM_UP}{m.group(3)}e{_exp(m.group(4))}"
                f"{ASYM_DOWN}{m.group(2)}e{_exp(m.group(4))} "
            ),
            s,
        )
    if "\\pm" in s:
        s = _MANTISSA_PM.sub(
            lambda m: f" {m.group(1)}e{_exp(m.group(3))} ± {m.group(2)}e{_exp(m.group(3))} ", s
        )
    return s


_SPACES = re.compile(r"\s+")
_DIGIT = re.compile(r"\d")
# "$…$" left in text (math LaTeXML did not convert) is a delimiter pair; a lone "$" is a dollar.
_MATH_DOLLARS = re.compile(r"\$([^$]*)\$")
# "5\mathrm{e}{-6}" once the command is gone: "5 e -6" style exponents
_TEX_E_NOTATION = re.compile(r"(?<=\d)\s*\b[eE]\s*([-+]?)\s*(\d+)\b")
# "2\,048", "12 345" (a thin space between groups of three digits): one number
_THIN_GROUPS = re.compile(r"(?<![\d.])\d{1,3}(?:(?:\\[,;: ]|\u2009|\u202f)\d{3})+(?![\d])")
_THIN = re.compile(r"\\[,;: ]|\u2009|\u202f")
# "\frac{1}{2}": a number
_NUM_FRAC = re.compile(r"\\[dt]?frac\s*\{\s*(\d+(?:\.\d+)?)\s*\}\s*\{\s*(\d+(?:\.\d+)?)\s*\}")
# A superscript after a number: "2^{10}" is a power; "85.3^{a}", "85.3^{1}", "7^{b}" a footnote
# mark (a letter, or digits on a number that is not a base of ten or two), dropped.
_SUPERSCRIPT = re.compile(
    r"(\d+(?:\.\d*)?)(\}?(?:\{\})?)\s*\^\s*(?:\{\s*(?:\\text[a-z]*\s*\{\s*)?([A-Za-z]|\d{1,2})\s*\}?\s*\}|([A-Za-z]|\d))"
)


def _superscript(m: re.Match) -> str:
    base, script = m.group(1), m.group(3) or m.group(4)
    if script.isdigit():
        if base == "10":
            return m.group(0)  # a power of ten, read later
        if base == "2":
            return str(2 ** int(script))
    return base + m.group(2)


def _exp(sign_digits: str) -> str:
    return sign_digits.replace("−", "-").replace("–", "-")


# Replacements as functions: a template ("\\1") makes every sub() call into Python code, matches
# or not. The groups always take part in a match (a template would read an unmatched one as "").
def _group_1(m: re.Match) -> str:
    return m.group(1)


def _groups_1_2(m: re.Match) -> str:
    return m.group(1) + m.group(2)


def _e_notation(m: re.Match) -> str:
    return "e" + m.group(1) + m.group(2)


def normalize_cell_text(text: str) -> str:
    """Turn a cell's text (math as TeX) into plain text: ``\\pm`` -> ``±``, ``\\%`` -> ``%``,
    ``2.3\\cdot 10^{19}`` -> ``2.3e19``, ``9.9^{+0.3}_{-0.2}`` -> ``9.9 ⁺0.3⁻0.2``, formatting
    commands and braces dropped, unicode minus -> ``-``, em dash -> en dash (kept: it separates the
    ends of a range), whitespace squashed."""
    s = text
    if "\\" in s:
        if _may_drop_layout(s):
            s = _TEX_DROP_ARG.sub("", s)
        s = _scaled_tex_numbers(s)
        if "frac" in s:
            s = _NUM_FRAC.sub(lambda m: f"{float(m.group(1)) / float(m.group(2)):g}", s)
    if "\\," in s or "\\;" in s or "\\:" in s or "\\ " in s or "\u2009" in s or "\u202f" in s:  # (_THIN)
        s = _THIN_GROUPS.sub(lambda m: _THIN.sub("", m.group(0)), s)
    if "^" in s or "_" in s:
        if "+" in s:  # both errors' patterns hold a "+"
            s = _ASYM_UP_DOWN.sub(rf" {ASYM_UP}\1{ASYM_DOWN}\2 ", s)
            s = _ASYM_DOWN_UP.sub(rf" {ASYM_UP}\2{ASYM_DOWN}\1 ", s)
        if "^" in s:
            s = _SUPERSCRIPT.sub(_superscript, s)
    if "\\" in s:
        s = _TEX_SYMBOL_RE.sub(_symbol, s)
        s = _TEX_COMMAND.sub(" ", s)
    if not s.isascii():
        s = s.replace("−", "-").replace("—", "–").replace("\u2009", " ").replace("∼", "~")
        s = s.replace("\xa0", " ").replace("\u200b", "")
    if "$" in s:
        s = _MATH_DOLLARS.sub(r" \1 ", s)
    if "10" in s:
        if "×" in s or "·" in s:
            s = _SCI_TEX.sub(lambda m: f"{m.group(1)}e{_exp(m.group(2))}", s)
        if "^" in s:
            s = _POW10.sub(lambda m: f"1e{_exp(m.group(1))}", s)
    if "{" in s or "}" in s or "_" in s or "^" in s:
        s = s.replace("{", "").replace("}", "").replace("_", " ").replace("^", " ")
    if "e" in s or "E" in s:
        s = _TEX_E_NOTATION.sub(_e_notation, s)
    return _SPACES.sub(" ", s).strip()


# Labels keep sub/superscripts readable: d_{\text{model}} -> d_model, \times 10^{6} -> ×10^6.
_LABEL_WRAPPERS = re.compile(
    r"\\(?:text|mathrm|mathbf|mathit|mathsf|mathtt|mathcal|mathbb|mathfrak|mathscr|textbf|textit|"
    r"texttt|textsc|textrm|textsf|textnormal|emph|underline|overline|operatorname|boldsymbol|bm|"
    r"mbox|textsuperscript|textsubscript|hat|widehat|bar|tilde|widetilde|vec|dot|ddot|check|"
    r"acute|grave|breve|mathring|uline|textup|mathnormal)\s*(?=\{)"
)
_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "θ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "varpi": "π", "rho": "ρ",
    "varrho": "ρ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "φ",
    "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ",
    "Psi": "Ψ", "Omega": "Ω",
}  # fmt: skip
_GREEK_RE = re.compile(r"\\(" + "|".join(sorted(_GREEK, key=len, reverse=True)) + r")(?![A-Za-z]) ?")
_MARK_SCRIPT = re.compile(r"\^\s*\{?\s*([*†‡§¶#]+)\s*\}?")
# Commands that only set the layout or the font of what follows: dropped from labels. Any other
# command is a name written in math (\tanh, \log, \max, \mathrm-less operators): kept as its name.
_LAYOUT_COMMANDS = frozenset(
    re.findall(
        r"\S+",
        "bf rm it sf tt sc em sl bfseries mdseries itshape upshape scshape rmfamily sffamily ttfamily "
        "normalfont small footnotesize scriptsize tiny large Large LARGE huge Huge normalsize "
        "displaystyle textstyle scriptstyle scriptscriptstyle left right middle big Big bigg Bigg "
        "bigl bigr Bigl Bigr biggl biggr limits nolimits nonumber centering raggedright raggedleft "
        "hline cline toprule midrule bottomrule cmidrule noindent par newline linebreak strut relax "
        "hfill vfill hfil makebox shortstack mathstrut displaylimits protect xspace",
    )
)


def _command(m: re.Match) -> str:
    name = m.group(1)
    if name in _LAYOUT_COMMANDS:
        return " "
    return f" {name}" if m.group(2) is not None else f" {name} "  # "\tanh(x)" -> "tanh(x)"


_LABEL_COMMAND = re.compile(r"\\([A-Za-z]+)\*?(\s*(?=\())?")
# "\textcolor{red}{x}" -> "x"; "\frac{a}{b}" -> "a/b"; "\sqrt{x}" -> "√x"
_TEX_DROP_FIRST_ARG = re.compile(r"\\(?:textcolor|colorbox|href)\s*\{[^{}]*\}")
_TEX_FRAC = re.compile(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_TEX_SQRT = re.compile(r"\\sqrt\s*(?=\{)")


_SCRIPT_GROUP = re.compile(r"([_^])\s*\{\s*([^{}]*?)\s*\}")
_SCRIPT_SPACE = re.compile(r"\s*([_^])\s*")
_TIMES_SPACE = re.compile(r"×\s+(?=\d)")


# A label with nothing to read: no TeX, braces, scripts, dollars, ties, special spaces, minus or
# times signs.
_PLAIN_LABEL = re.compile(
    r"[^\\{}_^$~\xa0\u2009\u200b−∼×\s](?:[^\\{}_^$~\xa0\u2009\u200b−∼×\n\t]*[^\\{}_^$~\xa0\u2009\u200b−∼×\s])?"
)


@functools.lru_cache(maxsize=8192)  # row labels and header texts repeat within a paper
def normalize_label(text: str) -> str:
    """Plain text of a header or row-label cell (math as TeX): TeX symbols as Unicode
    (``\\uparrow`` -> ``↑``, ``\\epsilon`` -> ``ε``, ``\\ell`` -> ``ℓ``), wrappers such as
    ``\\text{…}`` unwrapped, other commands kept as their name (``\\tanh`` -> ``tanh``), font and
    layout switches dropped, braces dropped, ``_``/``^`` kept (``d_model``, ``×10^6``, ``J_0``)
    except before footnote marks (``Ours^{\\dagger}`` -> ``Ours†``), whitespace squashed."""
    if _PLAIN_LABEL.fullmatch(text):  # most labels: plain words, nothing to read
        return text if "  " not in text else _SPACES.sub(" ", text).strip()
    s = _TEX_DROP_ARG.sub("", text) if "\\" in text and _may_drop_layout(text) else text
    s = s.replace("~", " ")  # a TeX tie ("H_{0}~[…]") is a space
    if "\\" in s:
        s = _GREEK_RE.sub(lambda m: _GREEK[m.group(1)], s)
        if "color" in s or "href" in s:  # (_TEX_DROP_FIRST_ARG)
            s = _TEX_DROP_FIRST_ARG.sub("", s)
        if "frac" in s:
            s = _TEX_FRAC.sub(r"\1/\2", s)
        if "sqrt" in s:
            s = _TEX_SQRT.sub("√", s)
        s = _LABEL_WRAPPERS.sub("", s)
        s = _LABEL_SYMBOL_RE.sub(_label_symbol, s)
        s = _LABEL_COMMAND.sub(_command, s)
    s = s.replace("−", "-").replace("\u2009", " ")
    if "$" in s:
        s = _MATH_DOLLARS.sub(r" \1 ", s)
    s = s.replace("\xa0", " ").replace("\u200b", "")
    if "^" in s or "_" in s:
        if "^" in s:
            s = _MARK_SCRIPT.sub(_group_1, s)
        if "{" in s:
            s = _SCRIPT_GROUP.sub(_groups_1_2, s)
            s = _SCRIPT_GROUP.sub(_groups_1_2, s)  # nested: x_{\text{a}_{b}}
        s = _SCRIPT_SPACE.sub(_group_1, s)
    s = s.replace("{", "").replace("}", "")
    if "×" in s:
        s = _TIMES_SPACE.sub("×", s)
    return _SPACES.sub(" ", s).strip()


def has_digit(text: str) -> bool:
    return _DIGIT.search(text) is not None
