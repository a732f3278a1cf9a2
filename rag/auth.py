"""Users and roles for a shared deployment, kept in DATA_DIR/users.json.

Each user has a role (reader: chat, sources, briefs, compare, viewing evals; editor: also upload,
edit, remove, run evals) and an argon2id hash of their password (salted by argon2-cffi; the
password itself is never stored). `require_editor` is called inside every state-changing handler
with the request's user, so a call through the HTTP API is refused exactly like a click.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from rag.errors import InputError, RagError

ROLES = ("reader", "editor")
ROLE_LABELS = {"reader": "只读", "editor": "编辑"}
_NAME = re.compile(r"^[\w.@-]{1,40}$")
_HASHER = PasswordHasher()


class Forbidden(RagError):
    """The user's role does not allow this action."""


def users_file(data_dir: Path) -> Path:
    return data_dir / "users.json"


def load_users(data_dir: Path) -> dict[str, dict]:
    path = users_file(data_dir)
    if not path.exists():
        return {}
    try:
        users = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InputError(f"用户文件 {path} 无法读取: {err}") from err
    return users if isinstance(users, dict) else {}


def _save(data_dir: Path, users: dict[str, dict]) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=data_dir, delete=False, suffix=".tmp") as tmp:
        json.dump(users, tmp, ensure_ascii=False, indent=1)
    os.chmod(tmp.name, 0o600)
    os.replace(tmp.name, users_file(data_dir))


def add_user(data_dir: Path, name: str, role: str, password: str) -> bool:
    """Add or update a user; returns True when the user is new."""
    if not _NAME.match(name or ""):
        raise InputError("用户名只能包含字母、数字、汉字和 . _ @ -,最长 40 个字符")
    if role not in ROLES:
        raise InputError(f"角色只能是 {' 或 '.join(ROLES)}")
    if len(password) < 8:
        raise InputError("密码至少 8 个字符")
    users = load_users(data_dir)
    new = name not in users
    users[name] = {"role": role, "hash": _HASHER.hash(password)}
    _save(data_dir, users)
    return new


def remove_user(data_dir: Path, name: str) -> None:
    users = load_users(data_dir)
    if name not in users:
        raise InputError(f"没有用户 {name}")
    del users[name]
    _save(data_dir, users)


def verify(data_dir: Path, name: str, password: str) -> bool:
    """Gradio's login check: the name exists and the password matches its hash."""
    user = load_users(data_dir).get(name)
    if not user:
        return False
    try:
        return _HASHER.verify(user["hash"], password)
    except (VerificationError, InvalidHashError, KeyError):
        return False


def role_of(data_dir: Path, name: str | None) -> str | None:
    """The user's role; with no users configured (a local, login-free app) everyone is an editor."""
    users = load_users(data_dir)
    if not users:
        return "editor"
    return users.get(name or "", {}).get("role")


def require_editor(data_dir: Path, name: str | None) -> None:
    if role_of(data_dir, name) != "editor":
        raise Forbidden(f"用户 {name or '(未登录)'} 没有修改权限: 只有编辑 (editor) 可以导入、更正、删除报告和运行评测")
