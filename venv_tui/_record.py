"""Frozen-dataclass look-alikes for :mod:`venv_tui.model`, built at run time without importing
``dataclasses`` or ``typing``.

A type checker reads the model's classes as ``@dataclass(frozen=True)`` (``model.py`` imports
the real decorator under ``TYPE_CHECKING``); at run time :func:`record` turns the same class body
into a class with ``__slots__``, an ``__init__`` made from the annotations (in order, with the
defaults), equality and hashing over the compared fields, and a readable ``repr``. Instances are
not written to after construction, as with a frozen dataclass; :func:`replace` makes changed
copies. This keeps a headless command's start-up to what it reads from disk.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

_MISSING = object()


class Field:
    """What ``field(...)`` says about one attribute."""

    __slots__ = ("compare", "default", "default_factory")

    def __init__(self, default: object, default_factory: object, compare: bool) -> None:
        self.default = default
        self.default_factory = default_factory
        self.compare = compare


def field(
    *,
    default: object = _MISSING,
    default_factory: object = _MISSING,
    compare: bool = True,
    hash: bool | None = None,  # accepted for the dataclass signature; compare decides
) -> object:
    return Field(default, default_factory, compare)


class _LiteralType:
    """``Literal["a", "b"]`` at run time: just the values, in order."""

    def __getitem__(self, values: object) -> tuple[object, ...]:
        return values if isinstance(values, tuple) else (values,)


Literal = _LiteralType()


class _FieldInfo:
    """Enough of ``dataclasses.Field`` for ``dataclasses.replace`` to work on a record, so code
    written for the dataclasses these once were keeps working."""

    __slots__ = ("_field_type", "default", "init", "name")

    def __init__(self, name: str) -> None:
        self.name = name
        self.init = True
        self.default = _MISSING
        self._field_type = None


class Record:
    """The shared behaviour of every record class."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _compared: tuple[str, ...] = ()

    def _key(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._compared)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({inner})"

    def __copy__(self) -> Record:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Record:
        return self

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return (self.__class__, tuple(getattr(self, name) for name in self._fields))


def record(cls: type | None = None, /, *, frozen: bool = True) -> object:
    """The class decorator (used as ``@record(frozen=True)``)."""

    def wrap(cls: type) -> type:
        names = list(cls.__dict__.get("__annotations__", {}))  # noqa: RUF063 - no inspect
        namespace = {
            key: value
            for key, value in cls.__dict__.items()
            if key not in names and key not in ("__dict__", "__weakref__")
        }
        compared = [name for name in names if _compared(cls.__dict__.get(name, _MISSING))]
        namespace["__init__"] = _lazy_init(cls, names)
        namespace["__slots__"] = tuple(names)
        namespace["_fields"] = tuple(names)
        namespace["_compared"] = tuple(compared)
        namespace["__dataclass_fields__"] = {name: _FieldInfo(name) for name in names}
        made = type(cls.__name__, (Record,), namespace)
        made.__qualname__ = cls.__qualname__
        return made

    return wrap if cls is None else wrap(cls)


def _compared(default: object) -> bool:
    return default.compare if isinstance(default, Field) else True


def _lazy_init(cls: type, names: list[str]) -> Callable[..., None]:
    """An ``__init__`` that writes the real one on the first construction: most record classes
    are never made in a given run, and writing one costs a compile."""
    defaults = {name: cls.__dict__.get(name, _MISSING) for name in names}

    def __init__(self: object, *args: object, **kwargs: object) -> None:
        real = _write_init(names, defaults)
        type(self).__init__ = real  # type: ignore[method-assign]
        real(self, *args, **kwargs)

    return __init__


def _write_init(names: list[str], defaults: dict[str, object]) -> Callable[..., None]:
    params: list[str] = []
    body: list[str] = []
    scope: dict[str, object] = {"_MISSING": _MISSING}
    for name in names:
        default = defaults[name]
        if isinstance(default, Field):
            if default.default_factory is not _MISSING:
                scope[f"_f_{name}"] = default.default_factory
                params.append(f"{name}=_MISSING")
                body.append(f" if {name} is _MISSING: {name} = _f_{name}()")
                body.append(f" self.{name} = {name}")
                continue
            default = default.default
        if default is _MISSING:
            params.append(name)
        else:
            scope[f"_d_{name}"] = default
            params.append(f"{name}=_d_{name}")
        body.append(f" self.{name} = {name}")
    source = f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body or [" pass"])
    exec(source, scope)  # our own text, built from the class's own names
    made: Callable[..., None] = scope["__init__"]  # type: ignore[assignment]
    return made


def replace(obj: object, /, **changes: object) -> object:
    """A copy of ``obj`` with ``changes`` (``dataclasses.replace`` for records)."""
    fields: tuple[str, ...] = obj._fields  # type: ignore[attr-defined]
    values = {name: getattr(obj, name) for name in fields}
    unknown = set(changes) - set(values)
    if unknown:
        raise TypeError(f"{obj.__class__.__name__} has no field {sorted(unknown)[0]!r}")
    values.update(changes)
    return obj.__class__(**values)
