"""Mutations of shipped scenario files, one hypothesis strategy per class of bad input.

A mutation edits the *text* of a real file (comments and layout kept), so the line it touched is
known independently of the loader under test: a :class:`Site` is one scalar, key or list item
located by ruamel's round-trip parser in the original file, and a mutation replaces its token
in place. Whole-file classes (empty files, binary garbage, bad encodings) and the structural
ones that are easier to state on data (patron cycles) write bytes directly.

Each strategy draws a :class:`Case`: the bytes to write, the class, the 1-based line and the
document path the mutation touched (when it has one) and whether the result must be refused.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

ROOT = Path(__file__).resolve().parents[2]
MARKER = "TRUCESIM_FUZZ_MARKER"  # a file of this name appearing anywhere would mean code ran


def shipped_files() -> list[Path]:
    """Every scenario file shipped now (and experiment file, fed to ``check`` only).

    The real cases of scenarios/cases/ are all written by one builder from their features
    (docs/codebook.md) and share one structure, so the first stands for all; their features and
    targets files are not scenarios (tests/test_codebook.py checks their errors).
    """
    cases = ROOT / "scenarios" / "cases"
    files = [f for f in sorted((ROOT / "scenarios").glob("**/*.yaml")) if cases not in f.parents]
    files += sorted(cases.glob("*.yaml"))[:1]
    return files + sorted((ROOT / "experiments").glob("*.yaml"))


def is_experiment(path: Path) -> bool:
    return path.parent.name == "experiments"


@dataclass(frozen=True)
class Site:
    """One token of the original file: a mapping key, a value or a list item."""

    loc: tuple
    line: int  # 0-based, as ruamel reports it
    col: int
    token: str
    role: str  # "key" | "value" | "item"
    value: object
    flow: bool  # inside [...] or {...} on its line


@dataclass(frozen=True)
class Source:
    path: Path
    text: str
    lines: tuple[str, ...]
    data: object
    sites: tuple[Site, ...]

    def of(self, role: str | None = None, numeric: bool | None = None) -> list[Site]:
        out = [s for s in self.sites if role is None or s.role == role]
        if numeric is not None:
            out = [s for s in out if is_number(s.value) == numeric]
        return out


@dataclass(frozen=True)
class Case:
    klass: str
    content: bytes = field(repr=False)
    line: int | None = None  # 1-based line the mutation touched
    loc: tuple | None = None  # document path the mutation touched
    must_fail: bool = True
    note: str = ""

    def __repr__(self) -> str:
        return (f"Case({self.klass}, line={self.line}, loc={self.loc}, "
                f"must_fail={self.must_fail}, note={self.note!r}, {len(self.content)} bytes)")

    def _repr_pretty_(self, printer, cycle) -> None:  # what hypothesis prints on a failure
        printer.text(repr(self))


def is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


_PLAIN_END = {True: re.compile(r"\s*(?:[,\]}]|\s#|$)"), False: re.compile(r"\s*(?:\s#|$)")}


def _token_at(line: str, col: int, flow: bool) -> str | None:
    """The source text of the scalar starting at ``col``, or None if it is not a simple one."""
    rest = line[col:]
    if not rest or rest[0] in "|>&*!%@`":
        return None
    if rest[0] in "\"'":
        q = rest[0]
        m = re.match(r'"(?:[^"\\]|\\.)*"' if q == '"' else r"'(?:[^']|'')*'", rest)
        return m.group(0) if m else None
    end = _PLAIN_END[flow].search(rest, 1) if len(rest) > 1 else None
    token = rest[: end.start()] if end else rest
    if flow and ":" in token:  # a key of a flow mapping: cut at its colon
        token = token.split(":", 1)[0]
    return token.rstrip() or None


def _depth(text: str) -> int:
    head = re.sub(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'|\s#.*", "", text)
    return head.count("[") + head.count("{") - head.count("]") - head.count("}")


def _line_depths(lines: list[str]) -> list[int]:
    """Flow nesting depth at the start of each line (a flow mapping may span lines)."""
    out, depth = [], 0
    for ln in lines:
        out.append(depth)
        depth = max(0, depth + _depth(ln))
    return out


def _sites(node, loc: tuple, lines: list[str], out: list[Site], depths: list[int]) -> None:
    def add(sub_loc, ln, col, role, value):
        if ln >= len(lines):
            return
        flow = depths[ln] + _depth(lines[ln][:col]) > 0
        tok = _token_at(lines[ln], col, flow or role == "key")
        if tok is not None and (role == "key" or not isinstance(value, (dict, list))):
            out.append(Site(sub_loc, ln, col, tok, role, value, flow))

    if isinstance(node, CommentedMap):
        for k, v in node.items():
            kl, kc = node.lc.key(k)
            add(loc + (k,), kl, kc, "key", str(k))
            if isinstance(v, (CommentedMap, CommentedSeq)):
                _sites(v, loc + (k,), lines, out, depths)
            else:
                vl, vc = node.lc.value(k)
                add(loc + (k,), vl, vc, "value", v)
    elif isinstance(node, CommentedSeq):
        for i, v in enumerate(node):
            if isinstance(v, (CommentedMap, CommentedSeq)):
                _sites(v, loc + (i,), lines, out, depths)
            else:
                il, ic = node.lc.item(i)
                add(loc + (i,), il, ic, "item", v)


def _plain(node):
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


@cache
def source(path: Path) -> Source:
    text = path.read_text(encoding="utf-8")
    doc = YAML(typ="rt", pure=True).load(text)
    lines = text.split("\n")
    sites: list[Site] = []
    _sites(doc, (), lines, sites, _line_depths(lines))
    return Source(path, text, tuple(lines), _plain(doc), tuple(sites))


def replace_token(src: Source, site: Site, new: str) -> str:
    lines = list(src.lines)
    ln = lines[site.line]
    assert ln[site.col: site.col + len(site.token)] == site.token, (ln, site)
    lines[site.line] = ln[: site.col] + new + ln[site.col + len(site.token):]
    return "\n".join(lines)


def _encode(text: str) -> bytes:
    return text.encode("utf-8")


# ---------------------------------------------------------------------------- scalar classes
WRONG_TYPES = ["[1, 2]", "{a: 1}", "true", "false", "'text'", "null", "~", "12", "3.5",
               "2020-01-01", "''", "[]", "{}", "-", "yes", "0o17", "0x1f", "\"0.5\"", "[[0.5]]"]
NAN_INF_YAML = [".nan", ".NaN", ".NAN", ".inf", ".Inf", "-.inf", "+.inf", "-.INF", "1e999",
                "-1e999", "1e400", "[.nan]", "{x: .inf}"]
NAN_INF_TEXT = ['"nan"', "'NaN'", '"inf"', "'-inf'", '"Infinity"', '"-Infinity"', "nan", "NaN",
                "inf", "-inf", "Infinity", "infinity", '"1e999"', "'.nan'", '"+inf"', "NAN"]
NEG_HUGE = ["-1", "-0.5", "-0.000001", "-1e-300", "-1e308", "1e308", "1.7976931348623157e308",
            "99999999999999999999999999999", "-9223372036854775809", "9223372036854775808",
            "18446744073709551616", "2147483648", "-2147483649", "1000001", "3651", "100000",
            "1.0000001", "-1.0000001", "10.000001", "1e-320", "-0", "0", "4e9"]


def _pick(draw, sites: list[Site], label: str) -> Site:
    return draw(st.sampled_from(sites), label=label)


def scalar_case(src: Source, klass: str, values: list[str], numeric: bool | None,
                must_fail: bool):
    sites = [s for s in src.of("value", numeric) + src.of("item", numeric)]

    if not sites:
        return None

    @st.composite
    def draw_case(draw):
        site = _pick(draw, sites, "site")
        new = draw(st.sampled_from(values), label="value")
        text = replace_token(src, site, new)
        return Case(klass, _encode(text), site.line + 1, site.loc, must_fail,
                    f"{'.'.join(map(str, site.loc))}: {site.token} -> {new}")
    return draw_case()


def wrong_type(src: Source):
    return scalar_case(src, "wrong_type", WRONG_TYPES, None, must_fail=False)


def nan_inf_yaml(src: Source):
    return scalar_case(src, "nan_inf_yaml", NAN_INF_YAML, True, must_fail=True)


def nan_inf_text(src: Source):
    return scalar_case(src, "nan_inf_text", NAN_INF_TEXT, True, must_fail=True)


def negative_huge(src: Source):
    # -1 is a valid position, 0 a valid probability: refusal is not required of every value
    return scalar_case(src, "negative_huge", NEG_HUGE, True, must_fail=False)


# ------------------------------------------------------------------------------ key classes
def _block_key_sites(src: Source) -> list[Site]:
    """Keys written at the start of their line (``key: scalar``), not inside a flow mapping."""
    out = []
    for s in src.of("key"):
        ln = src.lines[s.line]
        head = ln[: s.col]
        if not s.flow and head.strip() in ("", "-"):
            out.append(s)
    return out


def _typo(draw, key: str) -> str:
    ops = ["drop", "swap", "double", "case", "suffix", "random"]
    op = draw(st.sampled_from(ops), label="typo")
    i = draw(st.integers(0, max(0, len(key) - 2)), label="pos")
    if op == "drop" and len(key) > 1:
        return key[:i] + key[i + 1:]
    if op == "swap" and len(key) > 1 and key[i] != key[i + 1]:
        return key[:i] + key[i + 1] + key[i] + key[i + 2:]
    if op == "double":
        return key[: i + 1] + key[i] + key[i + 1:]
    if op == "case" and key.lower() != key.upper():
        return key.upper()
    if op == "suffix":
        return key + "s"
    return draw(st.from_regex(r"[a-z][a-z_]{2,12}", fullmatch=True), label="key") + "_zz"


def _line_start_key_sites(src: Source) -> list:
    """Block keys that start their line (not ``- key:`` list items): whole lines to cut or copy."""
    return [s for s in _block_key_sites(src) if src.lines[s.line][: s.col].strip() == ""]


def missing_key(src: Source):
    """Delete one ``key: value`` line (or a key's whole block)."""
    sites = _line_start_key_sites(src)

    if not sites:
        return None

    @st.composite
    def draw_case(draw):
        site = _pick(draw, sites, "site")
        lines = list(src.lines)
        indent = site.col
        end = site.line + 1
        while end < len(lines) and (not lines[end].strip() or
                                    len(lines[end]) - len(lines[end].lstrip()) > indent):
            end += 1
        del lines[site.line: end]
        return Case("missing_key", _encode("\n".join(lines)), site.line + 1, site.loc[:-1],
                    must_fail=False, note=f"deleted {'.'.join(map(str, site.loc))}")
    return draw_case()


def unknown_key(src: Source):
    """Misspell a key, or insert a new one beside it."""
    sites = _block_key_sites(src)

    if not sites:
        return None

    @st.composite
    def draw_case(draw):
        site = _pick(draw, sites, "site")
        key = str(site.loc[-1])
        new = _typo(draw, key)
        if new == key:
            new = key + "_x"
        siblings = _plain_at(src.data, site.loc[:-1])
        if isinstance(siblings, dict) and new in siblings:
            new = new + "_x"
        lines = list(src.lines)
        insert = draw(st.booleans(), label="insert")
        if insert:
            indent = " " * site.col
            lines.insert(site.line + 1, f"{indent}{new}: 1")
            line = site.line + 2
        else:
            ln = lines[site.line]
            lines[site.line] = ln[: site.col] + new + ln[site.col + len(site.token):]
            line = site.line + 1
        # an unknown name is a valid key of free-form maps (sources: any text -> text), and a
        # strategy other than the baseline may be renamed at will
        renamed_strategy = (not insert and len(site.loc) == 2 and site.loc[0] == "strategies"
                            and key != "baseline")
        free = site.loc[:1] == ("sources",) or renamed_strategy
        return Case("unknown_key", _encode("\n".join(lines)), line, site.loc[:-1] + (new,),
                    must_fail=not free, note=f"{key} -> {new}")
    return draw_case()


def duplicate_key(src: Source):
    """Repeat a ``key: value`` line inside its mapping."""
    sites = _line_start_key_sites(src)

    if not sites:
        return None

    @st.composite
    def draw_case(draw):
        site = _pick(draw, sites, "site")
        lines = list(src.lines)
        ln = lines[site.line]
        dup = " " * site.col + ln[site.col:]
        if ln[site.col:].rstrip().endswith(":"):  # a block: repeat the key with a scalar
            dup = " " * site.col + f"{site.token}: 1"
        lines.insert(site.line + 1, dup)
        return Case("duplicate_key", _encode("\n".join(lines)), site.line + 2, site.loc,
                    note=f"repeated {site.token}")
    return draw_case()


def _plain_at(data, loc: tuple):
    for k in loc:
        data = data[k]
    return data


# --------------------------------------------------------------------------- references
REF_FIELDS = {"mediator", "actor", "guarantor", "attendees", "brokers", "parties", "spoilers",
              "clients", "targets"}
REF_KEYS = {"leverage", "bias", "spoiler_ties", "positions"}


def _is_ref(site: Site) -> bool:
    loc = site.loc
    if site.role in ("value", "item") and loc[:1] in (("actors",), ("events",), ("strategies",)):
        names = [k for k in loc if isinstance(k, str)]
        return bool(names) and names[-1] in REF_FIELDS and isinstance(site.value, str)
    return site.role == "key" and len(loc) >= 2 and loc[-2] in REF_KEYS


def _actor_ids(src: Source) -> list[str]:
    return [a["id"] for a in src.data.get("actors", []) if isinstance(a, dict) and "id" in a]


def missing_ref(src: Source):
    """Point a reference (relations, targets, events, interventions) at an actor that is not
    there, or at an actor of the wrong kind."""
    sites = [s for s in src.sites if _is_ref(s)]
    ids = _actor_ids(src)

    if not sites:
        return None

    @st.composite
    def draw_case(draw):
        site = _pick(draw, sites, "site")
        ghost = draw(st.from_regex(r"ghost_[a-z0-9]{1,8}", fullmatch=True), label="ghost")
        choices = [ghost] + [i for i in ids if i != site.token]
        new = draw(st.sampled_from(choices), label="ref")
        text = replace_token(src, site, new)
        siblings = _plain_at(src.data, site.loc[:-1])
        dup = site.role == "key" and isinstance(siblings, dict) and new in siblings
        return Case("missing_ref", _encode(text), site.line + 1, site.loc,
                    must_fail=new == ghost or dup, note=f"{site.token} -> {new}")
    return draw_case()


def duplicate_id(src: Source):
    """Give an actor (or an issue) the id of another."""
    ids = [s for s in src.of("value") if len(s.loc) == 3 and s.loc[0] in ("actors", "issues")
           and s.loc[2] == "id"]
    sites = [s for s in ids if any(o.loc[0] == s.loc[0] and o.loc != s.loc for o in ids)]

    if not sites:
        return None

    @st.composite
    def draw_case(draw):
        site = _pick(draw, sites, "site")
        others = [s for s in ids if s.loc[0] == site.loc[0] and s.loc != site.loc]
        other = draw(st.sampled_from(others), label="id")
        text = replace_token(src, site, other.token)
        # the loader reports the second of the two, whichever was edited
        return Case("duplicate_id", _encode(text), max(site.line, other.line) + 1,
                    note=f"{site.token} -> {other.token}")
    return draw_case()


def patron_cycle(src: Source):
    """Make brokers each other's patrons (or one its own), written as JSON (which is YAML)."""
    data = src.data
    if not (isinstance(data, dict) and isinstance(data.get("actors"), list)):
        return None  # not a scenario (an experiment file): nothing to cycle

    @st.composite
    def draw_case(draw):
        d = json.loads(json.dumps(data, default=str))
        brokers = [a for a in d["actors"] if a.get("kind") == "broker"]
        if not brokers:
            brokers = [{"id": "fuzz_patron", "name": "Patron", "kind": "broker",
                        "role": "patron", "stances": {"commitment": 0.5}}]
            d["actors"].append(brokers[0])
        n = draw(st.integers(1, min(3, len(brokers))), label="length")
        ring = draw(st.permutations(brokers), label="ring")[:n]
        for a, b in zip(ring, ring[1:] + ring[:1]):
            rel = a.setdefault("relations", {})
            rel["clients"] = list(rel.get("clients", [])) + [b["id"]]
        text = json.dumps(d, indent=2, ensure_ascii=False)
        return Case("patron_cycle", _encode(text), None, ("actors",),
                    note=" -> ".join(a["id"] for a in ring))
    return draw_case()


# ------------------------------------------------------------------------ whole-file classes
EMPTY = ["", " ", "\n\n", "# nothing but a comment\n", "---\n", "---\n...\n", "null\n", "~\n",
         "[]\n", "{}\n", "0\n", "'text'\n", "- a\n- b\n", "...\n", "\t\n", "\ufeff",
         "%YAML 1.2\n---\n"]


def empty_file(src: Source):
    return st.sampled_from(EMPTY).map(lambda t: Case("empty_file", _encode(t), note=repr(t)))


HEADERS = [b"\x89PNG\r\n\x1a\n", b"\x1f\x8b\x08\x00", b"PK\x03\x04", b"\x00\x00\x00\x00",
           b"\x7fELF", b"\xff\xfe", b"\xfe\xff", b"%PDF-1.4\n", b"\x80\x04\x95"]


def binary_garbage(src: Source):
    raw = _encode(src.text)

    @st.composite
    def draw_case(draw):
        how = draw(st.sampled_from(["random", "header", "nul", "truncate", "utf16"]), label="how")
        if how == "random":
            content = draw(st.binary(min_size=1, max_size=2000), label="bytes")
        elif how == "header":
            content = draw(st.sampled_from(HEADERS), label="header") + raw
        elif how == "nul":
            at = draw(st.integers(0, len(raw)), label="at")
            content = raw[:at] + b"\x00" * draw(st.integers(1, 4)) + raw[at:]
        elif how == "truncate":
            content = raw[: draw(st.integers(1, len(raw) - 1), label="at")]
        else:
            content = src.text.encode(draw(st.sampled_from(["utf-16", "utf-32"])))
        return Case("binary_garbage", content, must_fail=how != "truncate", note=how)
    return draw_case()


BAD_BYTES = [b"\xff", b"\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"\x80", b"\xe9", b"\xc0\xaf",
             b"\xf8\x88\x80\x80\x80", b"\xe2\x82"]


def non_utf8(src: Source):
    raw = _encode(src.text)

    @st.composite
    def draw_case(draw):
        at = draw(st.integers(0, len(raw)), label="at")
        # never split a UTF-8 sequence of the original: move to a character boundary
        while 0 < at < len(raw) and (raw[at] & 0xC0) == 0x80:
            at -= 1
        bad = draw(st.sampled_from(BAD_BYTES), label="bytes")
        return Case("non_utf8", raw[:at] + bad + raw[at:], raw[:at].count(b"\n") + 1,
                    note=f"{bad!r} at byte {at}")
    return draw_case()


def tabs(src: Source):
    indented = [i for i, ln in enumerate(src.lines) if ln.startswith("  ") and ln.strip()]
    block_lines = {s.line for s in _block_key_sites(src)
                   if src.lines[s.line][: s.col].strip() in ("", "-")}

    if not indented:
        return None

    @st.composite
    def draw_case(draw):
        i = draw(st.sampled_from(indented), label="line")
        lines = list(src.lines)
        ln = lines[i]
        how = draw(st.sampled_from(["indent", "mixed", "after_colon", "in_value"]), label="how")
        stripped = ln.lstrip(" ")
        width = len(ln) - len(stripped)
        if how == "indent":
            lines[i] = "\t" * max(1, width // 8) + stripped
        elif how == "mixed":
            lines[i] = " " * (width - 2) + "\t" + stripped
        elif how == "after_colon":
            lines[i] = ln.replace(": ", ":\t", 1)
        else:
            lines[i] = ln + "\t"
        # a tab may continue a multi-line text or a flow mapping; it may not indent a block key
        must = how in ("indent", "mixed") and i in block_lines
        return Case("tabs", _encode("\n".join(lines)), i + 1, must_fail=bool(must), note=how)
    return draw_case()


def deep_nesting(src: Source):
    sites = src.of("value") + src.of("item")

    if not sites:
        return None

    @st.composite
    def draw_case(draw):
        depth = draw(st.sampled_from([30, 200, 1000, 5000, 50_000, 500_000]), label="depth")
        how = draw(st.sampled_from(["flow_seq", "flow_map", "block"]), label="how")
        if how == "block" and depth <= 1000:
            nested = "\n".join("  " * k + "d:" for k in range(depth)) + " 1\n"
            text = src.text.rstrip("\n") + "\nfuzz_deep:\n" + "\n".join(
                "  " + ln for ln in nested.split("\n"))
            return Case("deep_nesting", _encode(text), len(src.lines) + 1, ("fuzz_deep",),
                        note=f"block x{depth}")
        site = _pick(draw, sites, "site")
        new = ("[" * depth + "1" + "]" * depth if how != "flow_map"
               else "{a: " * depth + "1" + "}" * depth)
        return Case("deep_nesting", _encode(replace_token(src, site, new)), site.line + 1,
                    site.loc, note=f"{how} x{depth}")
    return draw_case()


def _bomb(levels: int, width: int) -> str:
    parts = [f"&b0 [{', '.join(['lol'] * width)}]"]
    parts += [f"&b{k} [{', '.join([f'*b{k - 1}'] * width)}]" for k in range(1, levels)]
    return "[" + ", ".join(parts) + "]"


def alias_bomb(src: Source):
    sites = src.of("value") + src.of("item")
    numeric = src.of("value", True)

    if not sites:
        return None

    @st.composite
    def draw_case(draw):
        how = draw(st.sampled_from(["bomb", "bomb", "reuse"]), label="how")
        if how == "reuse" and len(numeric) >= 2:
            a, b = draw(st.permutations(numeric), label="pair")[:2]
            lines = list(src.lines)
            first, second = sorted([a, b], key=lambda s: (s.line, s.col))
            for s, new in ((second, "*fz"), (first, f"&fz {first.token}")):
                ln = lines[s.line]
                lines[s.line] = ln[: s.col] + new + ln[s.col + len(s.token):]
            return Case("alias_bomb", _encode("\n".join(lines)), second.line + 1, second.loc,
                        must_fail=False, note="anchor reused")
        site = _pick(draw, sites, "site")
        levels = draw(st.integers(6, 12), label="levels")
        width = draw(st.integers(8, 12), label="width")
        return Case("alias_bomb", _encode(replace_token(src, site, _bomb(levels, width))),
                    site.line + 1, site.loc, note=f"{width}**{levels}")
    return draw_case()


def python_tags(src: Source, marker: str = MARKER):
    sites = src.of("value") + src.of("item")
    keys = _block_key_sites(src)
    payloads = [
        f'!!python/object/apply:os.system ["touch {marker}"]',
        f'!!python/object/apply:subprocess.call [["touch", "{marker}"]]',
        "!!python/object/new:os.system [echo]",
        "!!python/name:os.system",
        "!!python/module:os",
        "!!python/object:sim.schema.Stances {commitment: 0.8}",
        "!!python/tuple [1, 2]",
        f"!<tag:yaml.org,2002:python/object/apply:os.system> [touch {marker}]",
        "!python/object/apply:os.getcwd []",
        "!!binary aGVsbG8=",
        "!!set {a, b}",
        "!!pairs [a: 1]",
        "!custom 0.5",
        "!!python/float 0.5",
    ]

    @st.composite
    def draw_case(draw):
        payload = draw(st.sampled_from(payloads), label="payload")
        where = draw(st.sampled_from(["value", "nested", "key"]), label="where")
        if where == "key":
            site = _pick(draw, keys, "key")
            tag = payload.split(" ", 1)[0]
            text = replace_token(src, site, f"{tag} {site.token}")
            return Case("python_tags", _encode(text), site.line + 1, site.loc,
                        note=f"key {site.token} tagged {tag}")
        site = _pick(draw, sites, "site")
        new = payload if where == "value" else f"[[0.5, {{x: {payload}}}]]"
        return Case("python_tags", _encode(replace_token(src, site, new)), site.line + 1,
                    site.loc, note=f"{where}: {payload}")
    return draw_case()


# classes whose result is bad YAML (or not text) in any kind of file, experiments included
GENERIC = {"empty_file", "binary_garbage", "non_utf8", "deep_nesting", "python_tags",
           "duplicate_key"}

CLASSES = {
    "wrong_type": wrong_type,
    "missing_key": missing_key,
    "unknown_key": unknown_key,
    "nan_inf_text": nan_inf_text,
    "nan_inf_yaml": nan_inf_yaml,
    "negative_huge": negative_huge,
    "duplicate_id": duplicate_id,
    "duplicate_key": duplicate_key,
    "missing_ref": missing_ref,
    "patron_cycle": patron_cycle,
    "empty_file": empty_file,
    "binary_garbage": binary_garbage,
    "non_utf8": non_utf8,
    "tabs": tabs,
    "deep_nesting": deep_nesting,
    "alias_bomb": alias_bomb,
    "python_tags": python_tags,
}
