"""In-memory Cinder volume types and QoS specs, refusing as devcloud's Cinder does.

Seeded like a fresh Cinder with one LVM backend: ``__DEFAULT__`` (Cinder's own),
``lvmdriver-1`` (cinder.conf's ``default_volume_type``, which the seeded volumes use) and
the private ``lvm-fast``, shared with the first project, with the QoS spec ``db-iops``
(front-end IOPS limits) associated. Records are kept as Cinder's JSON
(through the text gate) and parsed by the real models.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from tui.backend import models
from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.memory.core import MemoryCore
from tui.backend.memory.data import VOLUME_TYPE, fixed_id
from tui.backend.memory.store import gated
from tui.backend.models import Json

SPEC_KEY = re.compile(r"^[a-zA-Z0-9-_:. /]{1,255}$")
_ADMIN_ONLY = "You are not authorized to perform this operation."
_CONSUMERS = (
    "Invalid qos specs: Valid consumer of QoS specs are: QoSConsumerValues(default=<class "
    "'oslo_versionedobjects.fields.UnspecifiedDefault'>,nullable=False,"
    "valid_values=('back-end', 'front-end', 'both'))"
)


def _type_json(
    n: int, name: str, description: str, public: bool, specs: Mapping[str, str]
) -> dict[str, Any]:
    return {
        "id": fixed_id("volume-type", n),
        "name": name,
        "is_public": public,
        "description": description or None,
        "extra_specs": dict(specs),
        "qos_specs_id": None,
        "os-volume-type-access:is_public": public,
    }


@dataclass
class CinderTypes:
    """Cinder's volume types, their access lists, project defaults and QoS specs."""

    types: dict[str, dict[str, Any]] = field(default_factory=dict)
    access: dict[str, set[str]] = field(default_factory=dict)
    project_defaults: dict[str, str] = field(default_factory=dict)
    qos: dict[str, dict[str, Any]] = field(default_factory=dict)
    default_name: str = VOLUME_TYPE  # cinder.conf [DEFAULT] default_volume_type
    made: int = 0

    def serial(self) -> int:
        self.made += 1
        return 100 + self.made

    def by_name(self, name: str) -> dict[str, Any] | None:
        return next((t for t in self.types.values() if t["name"] == name), None)


class VolumeTypesMemory(MemoryCore):
    def _cinder_types(self) -> CinderTypes:
        return self._cloud.kept("cinder-types", self._seeded_types)

    def _seeded_types(self) -> CinderTypes:
        state = CinderTypes()
        lvm = {"volume_backend_name": "lvmdriver-1"}
        thin = {**lvm, "provisioning:type": "thin"}
        for n, (name, description, public, specs) in enumerate(
            (
                ("__DEFAULT__", "Default Volume Type", True, {}),
                (VOLUME_TYPE, "LVM on the controller", True, lvm),
                ("lvm-fast", "LVM, thin, for databases", False, thin),
            )
        ):
            raw = _type_json(n, name, description, public, specs)
            state.types[raw["id"]] = raw
        fast = state.by_name("lvm-fast")
        assert fast is not None
        state.access[fast["id"]] = {self._projects[0].id}
        limits = {"read_iops_sec": "2000", "write_iops_sec": "1000"}
        qos = {"id": fixed_id("qos-spec", 0), "name": "db-iops", "consumer": "front-end"}
        state.qos[qos["id"]] = {**qos, "specs": limits, "types": [fast["id"]]}
        fast["qos_specs_id"] = qos["id"]
        return state

    # -- what a caller sees --------------------------------------------------------------

    def _type_usable(self, raw: Json) -> bool:
        if self._is_admin or raw["is_public"]:
            return True
        return self._info.project_id in self._cinder_types().access.get(raw["id"], set())

    def _shown(self, raw: Json) -> models.VolumeType:
        """A type as Cinder shows it: a member sees no extra specs nor QoS spec."""
        if self._is_admin:
            return models.VolumeType.from_api(raw)
        hidden = {k: v for k, v in raw.items() if k != "qos_specs_id"}
        return models.VolumeType.from_api({**hidden, "extra_specs": {}})

    def _type_raw(self, type_id: str) -> dict[str, Any]:
        raw = self._cinder_types().types.get(type_id)
        if raw is None or not self._type_usable(raw):
            raise self.refused(
                404, f"Volume type {type_id} could not be found.", "show volume type"
            )
        return raw

    def _volume_type_name(self, wanted: str) -> str:
        """The type a new volume gets (Cinder's create: a name or an id; none: the
        default), as its name; 404 when the caller may not use it."""
        state = self._cinder_types()
        if not wanted:
            return str(self._default_raw()["name"])
        if (raw := state.types.get(wanted)) is not None:
            return str(self._type_raw(raw["id"])["name"])
        raw = state.by_name(wanted)
        if raw is None or not self._type_usable(raw):
            raise self.refused(404, f"Volume type with name {wanted} could not be found.")
        return str(raw["name"])

    def _default_raw(self) -> dict[str, Any]:
        state = self._cinder_types()
        own = state.project_defaults.get(self._info.project_id)
        if own in state.types:
            return state.types[own]
        found = state.by_name(state.default_name)
        if found is None:
            raise self.refused(404, "Default volume type can not be found.")
        return found

    async def volume_types(
        self, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.VolumeType]]:
        usable = [
            self._shown(t) for t in self._cinder_types().types.values() if self._type_usable(t)
        ]
        async for page in self._pages(usable, page_size):
            yield page

    async def volume_type(self, type_id: str) -> models.VolumeType:
        return self._shown(self._type_raw(type_id))

    async def default_volume_type(self) -> models.VolumeType | None:
        return self._shown(self._default_raw())

    # -- writes --------------------------------------------------------------------------

    def _admin_type(self, type_id: str, policy: str) -> dict[str, Any]:
        self._require_admin(policy, f"volume_extension:{policy}")
        return self._type_raw(type_id)

    def _check_specs(self, specs: Mapping[str, str]) -> None:
        bad = next((k for k in specs if not SPEC_KEY.match(k)), None)
        if bad is not None:
            raise self.refused(
                400,
                f"Invalid input for field/attribute extra_specs. Value: {dict(specs)}. "
                f"'{bad}' does not match any of the regexes: '{SPEC_KEY.pattern}'",
            )

    async def create_volume_type(self, spec: models.VolumeTypeSpec) -> models.VolumeType:
        def create() -> models.VolumeType:
            self._require_admin("type_create", "volume_extension:type_create")
            state = self._cinder_types()
            if not spec.name:
                raise self.refused(
                    400, "Invalid input for field/attribute name. Value: . '' should be non-empty"
                )
            if state.by_name(spec.name) is not None:
                raise self.refused(409, f"Volume Type {spec.name} already exists.")
            self._check_specs(dict(spec.extra_specs))
            raw = gated(
                _type_json(
                    state.serial(),
                    spec.name,
                    spec.description,
                    spec.is_public,
                    dict(spec.extra_specs),
                )
            )
            state.types[raw["id"]] = raw
            return models.VolumeType.from_api(raw)

        return await self._write("create-volume-type", f"volume type {spec.name}", create)

    async def update_volume_type(
        self, type_id: str, *, description: str | None = None, is_public: bool | None = None
    ) -> models.VolumeType:
        change: dict[str, Any] = {}
        if description is not None:
            change["description"] = description
        if is_public is not None:
            change["is_public"] = change["os-volume-type-access:is_public"] = is_public

        def update() -> None:
            raw = self._admin_type(type_id, "type_update")
            raw.update(gated(change))

        if change:
            said = ", ".join(f"{k}={v}" for k, v in change.items() if ":" not in k)
            await self._write("update-volume-type", f"volume type {type_id} ({said})", update)
        return await self.volume_type(type_id)

    async def set_volume_type_extra_specs(
        self, type_id: str, changes: Mapping[str, str | None]
    ) -> None:
        sets = {k: v for k, v in changes.items() if v is not None}

        def set_them() -> None:
            raw = self._admin_type(type_id, "types_extra_specs:create")
            self._check_specs(sets)
            raw["extra_specs"] = {**raw["extra_specs"], **gated(sets)}

        said = ", ".join(f"{k}={v}" for k, v in sets.items())
        if sets:
            await self._write(
                "set-volume-type-extra-specs", f"volume type {type_id} ({said})", set_them
            )
        for key in (k for k, v in changes.items() if v is None):
            await self._write(
                "unset-volume-type-extra-spec",
                f"volume type {type_id} ({key})",
                lambda key=key: self._unset_spec(type_id, key),  # type: ignore[misc]
            )

    def _unset_spec(self, type_id: str, key: str) -> None:
        raw = self._admin_type(type_id, "types_extra_specs:delete")
        if key not in raw["extra_specs"]:
            raise self.refused(404, f"Volume Type {type_id} has no extra specs with key {key}.")
        raw["extra_specs"] = {k: v for k, v in raw["extra_specs"].items() if k != key}

    async def delete_volume_type(self, type_id: str) -> None:
        def delete() -> None:
            raw = self._admin_type(type_id, "type_delete")
            state = self._cinder_types()
            defaults = {*state.project_defaults.values()}
            if type_id in defaults or raw["name"] == state.default_name:
                raise self.refused(
                    400,
                    f"The volume type {type_id} is a default volume type and cannot be deleted.",
                )
            if any(v.volume_type == raw["name"] for v in self._cloud.volumes):
                raise self.refused(400, "Target volume type is still in use.")
            del state.types[type_id]
            state.access.pop(type_id, None)
            for qos in state.qos.values():
                qos["types"] = [t for t in qos["types"] if t != type_id]

        await self._write("delete-volume-type", f"volume type {type_id}", delete)

    # -- access --------------------------------------------------------------------------

    async def volume_type_access(self, type_id: str) -> list[models.VolumeTypeAccess]:
        self._require_admin(
            "list volume type access", "volume_extension:volume_type_access:get_all_for_type"
        )
        raw = self._type_raw(type_id)
        if raw["is_public"]:
            raise self.refused(404, "Access list not available for public volume types.")
        return [
            models.VolumeTypeAccess.from_api({"volume_type_id": type_id, "project_id": p})
            for p in sorted(self._cinder_types().access.get(type_id, ()))
        ]

    def _access_change(self, type_id: str, verb: str) -> tuple[dict[str, Any], set[str]]:
        raw = self._admin_type(type_id, f"volume_type_access:{verb}ProjectAccess")
        if raw["is_public"]:
            raise self.refused(
                400,
                "Invalid volume type: Type access modification is not applicable to public "
                "volume type.",
            )
        return raw, self._cinder_types().access.setdefault(type_id, set())

    async def add_volume_type_access(self, type_id: str, project_id: str) -> None:
        def add() -> None:
            _, projects = self._access_change(type_id, "add")
            if project_id in projects:
                raise self.refused(
                    409,
                    f"Volume type access for {type_id} / {project_id} combination already exists.",
                )
            projects.add(project_id)

        target = f"volume type {type_id} → project {project_id}"
        await self._write("add-volume-type-access", target, add)

    async def remove_volume_type_access(self, type_id: str, project_id: str) -> None:
        def remove() -> None:
            _, projects = self._access_change(type_id, "remove")
            if project_id not in projects:
                raise self.refused(
                    404,
                    f"Volume type access not found for {type_id} / {project_id} combination.",
                )
            projects.discard(project_id)

        target = f"volume type {type_id} → project {project_id}"
        await self._write("remove-volume-type-access", target, remove)

    # -- project default types -----------------------------------------------------------

    async def project_default_volume_type(self, project_id: str) -> str | None:
        self._require_default_types_admin()
        return self._cinder_types().project_defaults.get(project_id)

    def _require_default_types_admin(self) -> None:
        if not self._is_admin:
            raise self.refused(403, _ADMIN_ONLY)

    async def set_project_default_volume_type(self, project_id: str, type_id: str) -> None:
        def set_default() -> None:
            self._require_default_types_admin()
            if project_id not in {p.id for p in self._projects}:
                raise self.refused(404, f"Project with id {project_id} not found.")
            state = self._cinder_types()
            raw = state.types.get(type_id) or state.by_name(type_id)
            if raw is None:
                words = "Volume type {} could not be found."
                if not re.fullmatch(r"[0-9a-f-]{36}", type_id):
                    words = "Volume type with name {} could not be found."
                raise self.refused(400, words.format(type_id))
            state.project_defaults[project_id] = raw["id"]

        target = f"project {project_id} → volume type {type_id}"
        await self._write("set-project-default-volume-type", target, set_default)

    async def unset_project_default_volume_type(self, project_id: str) -> None:
        def unset() -> None:
            self._require_default_types_admin()
            self._cinder_types().project_defaults.pop(project_id, None)

        await self._write("unset-project-default-volume-type", f"project {project_id}", unset)

    # -- QoS specs -----------------------------------------------------------------------

    def _qos_admin(self, policy: str) -> None:
        self._require_admin(policy, f"volume_extension:qos_specs_manage:{policy}")

    def _qos_raw(self, qos_id: str, policy: str = "get") -> dict[str, Any]:
        self._qos_admin(policy)
        found = self._cinder_types().qos.get(qos_id)
        if found is None:
            raise self.refused(404, f"No such QoS spec {qos_id}.", "show QoS spec")
        return found

    @staticmethod
    def _qos_model(raw: Json) -> models.QosSpec:
        return models.QosSpec.from_api({k: v for k, v in raw.items() if k != "types"})

    async def qos_specs(
        self, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[list[models.QosSpec]]:
        self._qos_admin("get_all")
        specs = [self._qos_model(q) for q in self._cinder_types().qos.values()]
        async for page in self._pages(specs, page_size):
            yield page

    async def qos_spec(self, qos_id: str) -> models.QosSpec:
        return self._qos_model(self._qos_raw(qos_id))

    def _check_consumer(self, consumer: str) -> None:
        if consumer not in models.QOS_CONSUMERS:
            raise self.refused(400, _CONSUMERS)

    async def create_qos_spec(self, spec: models.QosSpecSpec) -> models.QosSpec:
        def create() -> models.QosSpec:
            self._qos_admin("create")
            state = self._cinder_types()
            if not spec.name:
                raise self.refused(
                    400, "An invalid 'name' value was provided. The 'name' can not be None."
                )
            if any(q["name"] == spec.name for q in state.qos.values()):
                raise self.refused(409, f"QoS Specs {spec.name} already exists.")
            self._check_consumer(spec.consumer)
            raw = gated(
                {
                    "id": fixed_id("qos-spec", state.serial()),
                    "name": spec.name,
                    "consumer": spec.consumer,
                    "specs": dict(spec.specs),
                }
            )
            state.qos[raw["id"]] = {**raw, "types": []}
            return self._qos_model(raw)

        return await self._write("create-qos-spec", f"QoS spec {spec.name}", create)

    async def set_qos_spec_keys(self, qos_id: str, changes: Mapping[str, str | None]) -> None:
        sets = {k: v for k, v in changes.items() if v is not None}
        unsets = [k for k, v in changes.items() if v is None]
        target = f"QoS spec {qos_id} ({', '.join(f'{k}={v}' for k, v in changes.items())})"

        def set_them() -> None:
            raw = self._qos_raw(qos_id, "update")
            specs = dict(sets)
            if "consumer" in specs:
                self._check_consumer(specs["consumer"])
                raw["consumer"] = specs.pop("consumer")
            raw["specs"] = {**raw["specs"], **gated(specs)}

        def unset_them() -> None:
            raw = self._qos_raw(qos_id, "delete")
            missing = next((k for k in unsets if k not in raw["specs"]), None)
            if missing is not None:
                raise self.refused(404, f"QoS spec {qos_id} has no spec with key {missing}.")
            raw["specs"] = {k: v for k, v in raw["specs"].items() if k not in unsets}

        if sets:
            await self._write("set-qos-spec-keys", target, set_them)
        if unsets:
            await self._write("unset-qos-spec-keys", target, unset_them)

    async def delete_qos_spec(self, qos_id: str, *, force: bool = False) -> None:
        def delete() -> None:
            raw = self._qos_raw(qos_id, "delete")
            if raw["types"] and not force:
                raise self.refused(400, "Qos specs still in use.")
            state = self._cinder_types()
            for type_id in raw["types"]:
                if type_id in state.types:
                    state.types[type_id]["qos_specs_id"] = None
            del state.qos[qos_id]

        action = "force-delete-qos-spec" if force else "delete-qos-spec"
        await self._write(action, f"QoS spec {qos_id}", delete)

    async def qos_associations(self, qos_id: str) -> list[models.QosAssociation]:
        raw = self._qos_raw(qos_id, "get_all")
        types = self._cinder_types().types
        return [
            models.QosAssociation.read(
                {"association_type": "volume_type", "name": types[t]["name"], "id": t},
                qos_id=qos_id,
            )
            for t in raw["types"]
            if t in types
        ]

    async def associate_qos_spec(self, qos_id: str, type_id: str) -> None:
        def associate() -> None:
            raw = self._qos_raw(qos_id, "update")
            volume_type = self._cinder_types().types.get(type_id)
            if volume_type is None:
                raise self.refused(404, f"Volume type {type_id} could not be found.")
            other = volume_type.get("qos_specs_id")
            if other and other != qos_id:
                raise self.refused(
                    400,
                    f"Invalid volume type: Type {type_id} is already associated with another "
                    f"qos specs: {other}",
                )
            volume_type["qos_specs_id"] = qos_id
            if type_id not in raw["types"]:
                raw["types"].append(type_id)

        target = f"QoS spec {qos_id} → volume type {type_id}"
        await self._write("associate-qos-spec", target, associate)

    async def disassociate_qos_spec(self, qos_id: str, type_id: str) -> None:
        def disassociate() -> None:
            raw = self._qos_raw(qos_id, "update")
            volume_type = self._cinder_types().types.get(type_id)
            if volume_type is None:
                raise self.refused(404, f"Volume type {type_id} could not be found.")
            if volume_type.get("qos_specs_id") == qos_id:
                volume_type["qos_specs_id"] = None
            raw["types"] = [t for t in raw["types"] if t != type_id]

        target = f"QoS spec {qos_id} ↛ volume type {type_id}"
        await self._write("disassociate-qos-spec", target, disassociate)
