"""What a learner's code may do when it is graded: a static check of every cell
the learner wrote, before anything runs.

Grading runs the learner's code and the tests in one kernel (that is how
nbgrader works, and how the learner ran it). The tests can only be trusted if
the learner's code cannot reach the machinery that decides a test's outcome:
the interpreter (``sys``, frames, ``gc``, ``ctypes``), IPython's hooks
(``get_ipython``, magics), the grader's guard, or the names the tests look up.
This module rejects code that names any of those. It is one layer of three
(ARCHITECTURE.md, "Grading untrusted code"): the guard catches what slips past
it at run time, and the sandbox confines whatever runs.

None of the course's exercises needs anything rejected here; a rejection names
the construct and the line, so a learner who trips it knows what to change.
"""
import ast
import builtins
import re
import symtable
from dataclasses import dataclass, field

# Modules that reach the interpreter, the kernel, other processes' signals and
# threads, or the grader. Their submodules too.
FORBIDDEN_MODULES = {
    "sys", "gc", "inspect", "ctypes", "importlib", "builtins", "__builtin__", "IPython",
    "ipykernel", "jupyter_client", "traitlets", "autograder", "nbgrader", "threading", "_thread",
    "multiprocessing", "concurrent", "asyncio", "signal", "atexit", "weakref", "code", "codeop",
    "pdb", "bdb", "faulthandler", "tracemalloc", "marshal", "pickle", "dill", "cloudpickle",
    "pkgutil", "runpy", "site", "sysconfig", "imp", "zipimport", "types", "dis", "trace",
    "sitecustomize", "usercustomize", "posix", "resource", "subprocess", "socket", "pty",
    "__main__", "traceback", "profile", "cProfile",
}
# Calls that read or write namespaces by name, compile code, or wait for a person.
FORBIDDEN_CALLS = {
    "getattr", "setattr", "delattr", "vars", "globals", "locals", "eval", "exec", "compile",
    "__import__", "breakpoint", "get_ipython", "input", "exit", "quit", "help",
}
# These are fine with a literal, public attribute name: ``getattr(model, "block_size", None)``.
LITERAL_ATTRIBUTE_CALLS = {"getattr", "setattr", "delattr"}
# Of those, the ones that may not even be named (``g = getattr`` would hide the call).
FORBIDDEN_NAMES = FORBIDDEN_CALLS - {"input", "exit", "quit", "help"}
# Attribute names that lead from an ordinary module or object to the interpreter,
# IPython's hooks or a function's namespace. (What the operating system offers,
# files and processes, is the sandbox's business, not this list's.)
FORBIDDEN_ATTRIBUTES = {
    "sys", "builtins", "gc", "ctypes", "ctypeslib", "inspect", "importlib", "import_module",
    "_import_dotted_name", "pickle", "marshal", "attrgetter", "methodcaller",
    "f_back", "f_globals", "f_locals", "f_builtins", "f_code", "tb_frame", "tb_next",
    "gi_frame", "cr_frame", "ag_frame", "gi_code", "cr_code", "_getframe", "settrace",
    "setprofile", "excepthook", "displayhook", "set_custom_exc", "input_transformers_post",
    "input_transformers_cleanup", "ast_transformers", "user_ns", "user_global_ns", "_C",
}
# Dunder attributes ordinary code uses; every other ``__x__`` attribute is refused.
ALLOWED_DUNDERS = {
    "__init__", "__name__", "__doc__", "__len__", "__call__", "__getitem__", "__setitem__",
    "__iter__", "__next__", "__contains__", "__repr__", "__str__", "__eq__", "__lt__",
    "__le__", "__gt__", "__ge__", "__ne__", "__add__", "__sub__", "__mul__", "__truediv__",
    "__neg__", "__enter__", "__exit__", "__version__", "__hash__", "__bool__", "__float__",
    "__int__", "__pow__", "__matmul__",
}
# Methods a learner's class may not define: they run at times the tests do not choose,
# or they answer a test's comparison with the expected value in hand (an object equal to
# anything, a tensor whose __torch_function__ makes torch.allclose say True).
FORBIDDEN_METHODS = {"__del__", "__getattribute__", "__init_subclass__", "__set_name__",
                     "__class_getitem__", "__instancecheck__", "__subclasscheck__",
                     "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__bool__",
                     "__abs__", "__torch_function__", "__torch_dispatch__", "__array__",
                     "__array_function__", "__array_ufunc__", "__array_wrap__",
                     "__array_finalize__", "__array_prepare__"}
# Dunder names a learner's code may read.
ALLOWED_DUNDER_NAMES = {"__name__", "__doc__", "__file__"}
BUILTIN_NAMES = set(dir(builtins))
# IPython's input and output history in the kernel's namespace (cell sources).
HISTORY_NAME = re.compile(r"^(In|Out|_ih|_oh|_dh|_i+|_i\d+|_\d+)$")
FORMAT_DUNDER = re.compile(r"\{[^{}]*\.__\w+__")
#: The longest cell the grader checks (a course answer is a few hundred lines at most).
MAX_CELL_CHARS = 100_000
#: Lines of IPython syntax (magics, shell escapes, help) a cell may have before it is
#: refused without being expanded.
MAX_IPYTHON_LINES = 50
IPYTHON_LINE = re.compile(r"^\s*[%!?]|=\s*[%!]|^[^#]*\?\s*$")


class Violation(Exception):
    """Code the grader will not run; ``str()`` is one line for the learner.

    ``statements``: where only some top-level statements break a names rule, their
    ``(first line, last line)``; the grader may leave those out instead of the cell."""

    def __init__(self, message, statements=()):
        super().__init__(message)
        self.statements = tuple(statements)


@dataclass(frozen=True)
class InstructorNames:
    """The names the instructor's cells bind at the top level of the notebook.

    ``tests``: bound by test cells (visible and hidden: references, expected values,
    helpers) and by no other instructor cell; a learner's code may not read them, or a
    function could return the test's own reference answer. ``bound``: bound by any
    instructor cell; a learner's function may not declare them ``global`` (and rebind
    them while a test runs). ``carried``: bound by one instructor cell and read by
    another that does not bind it itself (setup data, imports, a reference shared by
    two test cells); a learner's cell may not rebind them, or the tests would use the
    learner's objects. ``imports``: for a name an instructor cell binds by importing,
    what it imports; a learner may import the same thing under that name
    (``import numpy as np``), nothing else.
    """
    tests: frozenset = frozenset()
    bound: frozenset = frozenset()
    carried: frozenset = frozenset()
    imports: dict = field(default_factory=dict)
    #: grade id -> (names the cell binds, names it reads without binding them)
    cells: dict = field(default_factory=dict)

    @classmethod
    def of(cls, test_sources, other_sources, test_ids=None, other_ids=None):
        """From the sources of the test cells and of the other instructor cells (and
        their nbgrader grade ids, which ``harmed`` needs)."""
        assigned = {"tests": set(), "other": set()}
        imports, reads, cells = {}, set(), {}
        for kind, sources, ids in (("tests", test_sources, test_ids),
                                   ("other", other_sources, other_ids)):
            for k, source in enumerate(sources):
                binds, free = _bindings(source)
                imported = _imports(source)
                assigned[kind].update(binds - {name for name, _ in imported})
                reads.update(free)
                for name, what in imported:
                    imports.setdefault(name, set()).add(what)
                if ids is not None and ids[k]:
                    cells[ids[k]] = (frozenset(binds), frozenset(free))
        bound = assigned["tests"] | assigned["other"] | set(imports)
        return cls(tests=frozenset(assigned["tests"] - assigned["other"] - set(imports)),
                   bound=frozenset(bound), carried=frozenset(bound & reads),
                   imports={name: frozenset(what) for name, what in imports.items()},
                   cells=cells)

    def harmed(self, order):
        """For a notebook's cells in the order they will run, each an instructor cell's
        grade id or ``None`` for a cell of the learner's: the names a learner's cell at
        each position may not rebind, ``{position: names}``. Rebinding a name harms the
        tests when the next instructor cell after it that uses the name reads it (rather
        than binding it afresh)."""
        nearest, harmed = {}, {}
        for position in range(len(order) - 1, -1, -1):
            gid = order[position]
            if gid is None or gid not in self.cells:
                harmed[position] = frozenset(n for n, use in nearest.items()
                                             if use == "read" and n in self.bound)
                continue
            binds, free = self.cells[gid]
            nearest.update({name: "bind" for name in binds})
            nearest.update({name: "read" for name in free})
        return harmed


def _bindings(source):
    """``(names the cell binds at its top level, names it reads without binding them)``."""
    table = _symbols(source)
    if table is None:
        return set(), set()
    binds, free = set(), set()
    for sym in table.get_symbols():
        if sym.is_imported() or sym.is_assigned() or sym.is_namespace():
            binds.add(sym.get_name())
        elif sym.is_referenced():
            free.add(sym.get_name())
    todo = list(table.get_children())
    while todo:
        scope = todo.pop()
        todo.extend(scope.get_children())
        free.update(sym.get_name() for sym in scope.get_symbols()
                    if sym.is_global() and sym.is_referenced() and sym.get_name() not in binds)
    return binds, free


def _symbols(source):
    try:
        return symtable.symtable(_python_source(source), "<cell>", "exec")
    except SyntaxError:
        return None


def _imports(source):
    """``(name bound, what it is)`` for each top-level import: ``("np", "numpy")``,
    ``("assert_close", "course.checks:assert_close")``."""
    try:
        tree = ast.parse(_python_source(source))
    except SyntaxError:
        return []
    found, todo = [], list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    found.append((alias.asname, alias.name))
                else:
                    root = alias.name.split(".")[0]
                    found.append((root, root))
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                found.append((alias.asname or alias.name,
                              f"{'.' * node.level}{node.module or ''}:{alias.name}"))
        else:
            todo.extend(ast.iter_child_nodes(node))
    return found


def _first_line(tree, name):
    lines = [node.lineno for node in ast.walk(tree)
             if (isinstance(node, ast.Name) and node.id == name)
             or (isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names)
             or (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                 and node.name == name)
             or (isinstance(node, ast.alias) and (node.asname or node.name.split(".")[0]) == name)]
    return min(lines) if lines else "?"


def _module_scope_uses(stmt):
    """``(names bound, names read)`` by a top-level statement in the module's scope
    (not inside the functions, classes, lambdas and comprehensions it defines)."""
    binds, reads = set(), set()
    nested = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
    todo = [stmt]
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            binds.add(node.name)
            todo.extend(node.decorator_list)
            if isinstance(node, ast.ClassDef):
                todo.extend(node.bases + [k.value for k in node.keywords])
            else:
                todo.extend(node.args.defaults + [d for d in node.args.kw_defaults if d])
            continue
        if isinstance(node, nested):
            continue
        if isinstance(node, ast.Name):
            (reads if isinstance(node.ctx, ast.Load) else binds).add(node.id)
        elif isinstance(node, ast.alias):
            binds.add(node.asname or node.name.split(".")[0])
        todo.extend(ast.iter_child_nodes(node))
    return binds, reads


def _statements(tree, name, use):
    """Line ranges of the top-level statements that bind (``use`` "bind") or read
    (``use`` "read") ``name`` in the module's scope."""
    found = []
    for stmt in tree.body:
        binds, reads = _module_scope_uses(stmt)
        if name in (binds if use == "bind" else reads):
            first = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", [])])
            found.append((first, stmt.end_lineno))
    return found


def _check_names(source, tree, where, names, harmed=None):
    """The rules that need to know the instructor's names (see InstructorNames);
    ``harmed``: the names this cell may not rebind (default: every carried name)."""
    harmed = names.carried if harmed is None else harmed
    table = _symbols(source)
    if table is None:
        return
    imported_here = dict(_imports(source))

    def refuse(name, why, use=None):
        statements = _statements(tree, name, use) if use else []
        line = statements[0][0] if statements else _first_line(tree, name)
        raise Violation(f"{where}, line {line}: {why}", statements)

    # ``_`` is IPython's last output: a learner's code may assign it, never read the kernel's.
    secret = names.tests | {"_"}
    for sym in table.get_symbols():  # the cell's top level
        name = sym.get_name()
        if sym.is_imported():
            if name in harmed and imported_here.get(name) not in names.imports.get(name, ()):
                refuse(name, f"imports as `{name}`, a name the course's cells define; "
                             f"choose another name", "bind")
        elif sym.is_assigned() or sym.is_namespace():
            if name in harmed:
                refuse(name, f"assigns `{name}`, a name the course's cells define; "
                             f"the tests rely on theirs, so choose another name", "bind")
        elif sym.is_referenced() and name in secret:
            refuse(name, f"reads `{name}`, a name only the tests (or the kernel) define; "
                         f"an answer must compute its result itself", "read")

    todo = list(table.get_children())
    while todo:  # functions, lambdas, classes and comprehensions, at any depth
        scope = todo.pop()
        todo.extend(scope.get_children())
        for sym in scope.get_symbols():
            name = sym.get_name()
            if not sym.is_global():
                continue
            if sym.is_declared_global() and name in names.bound | names.tests:
                refuse(name, f"declares `{name}` global, a name the course's cells define; "
                             f"graded code may not rebind it")
            if sym.is_referenced() and name in secret:
                refuse(name, f"reads the global `{name}`, which the tests (or the kernel) define; an answer "
                             f"must compute its result itself (rename it if it is yours)")


def leave_out(source, statements, why):
    """``source`` with the top-level ``statements`` (line ranges) turned into comments,
    or None where the lines of ``source`` are not those the ranges were taken from
    (IPython syntax)."""
    lines = source.splitlines()
    if _python_source(source).splitlines() != lines:
        return None
    for first, last in statements:
        for k in range(first - 1, last):
            lines[k] = f"# left out by the grader: {why}" if k == first - 1 else f"# {lines[k]}"
    return "\n".join(lines) + "\n"


def _python_source(source):
    """The cell as Python, with IPython syntax (``%magic``, ``!cmd``) expanded as IPython
    would expand it: that turns magics into ``get_ipython()`` calls, which are refused."""
    from IPython.core.inputtransformer2 import TransformerManager

    if len(source) > MAX_CELL_CHARS:
        raise Violation(f"the cell is {len(source):,} characters long, more than the "
                        f"{MAX_CELL_CHARS:,} the grader checks")
    # IPython expands its syntax one construct at a time, re-reading the cell each time:
    # thousands of magics would keep the grader busy for minutes. Magics are refused
    # anyway; more than a few are refused without expanding them.
    ipython_lines = sum(1 for line in source.splitlines() if IPYTHON_LINE.search(line))
    if ipython_lines > MAX_IPYTHON_LINES:
        raise Violation(f"the cell has {ipython_lines} lines of IPython syntax (magics, shell "
                        f"commands), which graded code may not use")
    try:
        return TransformerManager().transform_cell(source)
    except (RuntimeError, RecursionError, MemoryError, ValueError) as exc:
        raise Violation(f"the grader cannot expand the cell's IPython syntax "
                        f"({exc.__class__.__name__})") from None


def _module_root(name):
    return (name or "").split(".")[0]


def _check_target(node, where):
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store) and sub.id in BUILTIN_NAMES:
            raise Violation(f"{where}: assigns to `{sub.id}`, a name Python provides; "
                            f"choose another name")


def check_source(source, where="cell", names=None, harmed=None):
    """Raise ``Violation`` if ``source`` uses something graded code may not; else return None.
    ``names`` (InstructorNames) adds the rules about the names the instructor's cells bind;
    ``harmed`` narrows the names the cell may not rebind to those that matter where it
    stands (``InstructorNames.harmed``)."""
    try:
        return _check_source(source, where, names, harmed)
    except (RecursionError, MemoryError) as exc:
        raise Violation(f"{where}: nests too deeply for the grader to check "
                        f"({exc.__class__.__name__})") from None
    except Violation as exc:
        if not str(exc).startswith(where):
            raise Violation(f"{where}: {exc}", exc.statements) from None
        raise


def _check_source(source, where, names, harmed):
    try:
        tree = ast.parse(_python_source(source))
    except (SyntaxError, ValueError) as exc:
        # What is checked must be exactly what runs: a cell that is not Python after
        # IPython's own expansion is one IPython may still run (its prefilter turns a
        # one-line ``run x.py`` into a magic), so it is refused, never let through.
        raise Violation(f"{where}, line {exc.lineno or '?'}: is not valid Python "
                        f"({getattr(exc, 'msg', exc)}); the grader runs only code it can check") from None
    top_level = {id(stmt) for stmt in tree.body}
    literal_calls = set()  # getattr(x, "name") with a harmless literal name is plain x.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in LITERAL_ATTRIBUTE_CALLS and len(node.args) >= 2 \
                and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str):
            attr = node.args[1].value
            if not (attr.startswith("_") or attr in FORBIDDEN_ATTRIBUTES):
                literal_calls.update({id(node), id(node.func)})
    for node in ast.walk(tree):
        if id(node) in literal_calls:
            continue
        line = f"{where}, line {getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _module_root(alias.name) in FORBIDDEN_MODULES:
                    raise Violation(f"{line}: imports `{alias.name}`, which graded code may not use")
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and _module_root(node.module) in FORBIDDEN_MODULES:
                raise Violation(f"{line}: imports from `{node.module}`, which graded code may not use")
            for alias in node.names:
                if alias.name in FORBIDDEN_MODULES or alias.name in FORBIDDEN_ATTRIBUTES:
                    raise Violation(f"{line}: imports `{alias.name}`, which graded code may not use")
                if alias.name == "*":
                    raise Violation(f"{line}: `from {node.module} import *` may hide what a "
                                    f"name is; import the names you use")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in FORBIDDEN_CALLS:
            raise Violation(f"{line}: calls `{node.func.id}()`, which graded code may not use")
        elif isinstance(node, ast.Attribute):
            attr = node.attr
            dunder = attr.startswith("__") and attr.endswith("__")
            if attr in FORBIDDEN_ATTRIBUTES or (dunder and attr not in ALLOWED_DUNDERS):
                raise Violation(f"{line}: uses the attribute `.{attr}`, which graded code may not use")
        elif isinstance(node, ast.Name):
            if node.id.startswith("__") and node.id not in ALLOWED_DUNDER_NAMES:
                raise Violation(f"{line}: uses the name `{node.id}`, which graded code may not use")
            if HISTORY_NAME.match(node.id) and isinstance(node.ctx, ast.Load):
                raise Violation(f"{line}: reads `{node.id}`, IPython's history, which graded "
                                f"code may not use")
            if node.id in FORBIDDEN_NAMES and isinstance(node.ctx, ast.Load):
                raise Violation(f"{line}: uses `{node.id}`, which graded code may not use")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name in FORBIDDEN_METHODS:
                raise Violation(f"{line}: defines `{node.name}`, which graded code may not define")
            if id(node) in top_level and node.name in BUILTIN_NAMES:
                raise Violation(f"{line}: defines `{node.name}`, a name Python provides; "
                                f"choose another name")
        elif isinstance(node, ast.ClassDef) and id(node) in top_level and node.name in BUILTIN_NAMES:
            raise Violation(f"{line}: defines a class `{node.name}`, a name Python provides")
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bad = [n for n in node.names if n in BUILTIN_NAMES or n.startswith("__")]
            if bad:
                raise Violation(f"{line}: declares `{bad[0]}` global, which graded code may not do")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and FORMAT_DUNDER.search(node.value):
            raise Violation(f"{line}: a format string that reaches `__` attributes")
    for stmt in tree.body:
        where_stmt = f"{where}, line {stmt.lineno}"
        if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                _check_target(target, where_stmt)
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            for alias in stmt.names:
                bound = (alias.asname or alias.name).split(".")[0]
                if bound in BUILTIN_NAMES:
                    raise Violation(f"{where_stmt}: imports as `{bound}`, a name Python provides")
        elif isinstance(stmt, (ast.For, ast.With)):
            for target in ([stmt.target] if isinstance(stmt, ast.For)
                           else [i.optional_vars for i in stmt.items if i.optional_vars]):
                _check_target(target, where_stmt)
    if names is not None:
        _check_names(source, tree, where, names, harmed)
    return None
