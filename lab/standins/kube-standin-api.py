# STAND-IN, not Kubernetes. The API part of the lab's stand-in kube-apiserver (kube-standin loads
# this file from beside itself): the requests that `kubectl apply --server-side`, `kubectl diff
# --server-side`, `kubectl get` and `kubectl delete` (Debian's kubectl 1.20) make for the objects
# tsplay applies, kept in the lab's real etcd through etcd's JSON gateway (/v3/kv/*) with the
# apiserver's etcd client certificate. Clients are authenticated by their certificate (CN = user,
# O = groups, verified against --client-ca-file) and authorized by the RBAC objects stored here.
#
# What it is not: no watch, no protobuf, no admission beyond "the namespace exists", no defaulting
# or server-side schema validation besides the Nodes' pod CIDRs (tsplay's unit tests validate
# every manifest against the upstream OpenAPI instead), no controllers (a Deployment never gets
# pods or a status, no controller-manager allocates pod CIDRs, no kubelet registers its Node), no
# Node authorizer, no aggregated ClusterRoles, no RBAC escalation check. Objects are stored as JSON
# under /registry/<resource>/[<namespace>/]<name>, resourceVersion is the etcd revision.
import base64
import copy
import datetime
import http.client
import ipaddress
import json
import os
import re
import ssl
import threading
import uuid
from urllib.parse import parse_qs, urlparse

# What is served: (group, version) -> (resource, kind, namespaced, short names). Only these;
# anything else is 404 as for a resource the server does not have.
SERVED = {
    ("", "v1"): [
        ("namespaces", "Namespace", False, ["ns"]),
        ("configmaps", "ConfigMap", True, ["cm"]),
        ("services", "Service", True, ["svc"]),
        ("serviceaccounts", "ServiceAccount", True, ["sa"]),
        ("nodes", "Node", False, ["no"]),
        ("pods", "Pod", True, ["po"]),
    ],
    ("apps", "v1"): [("deployments", "Deployment", True, ["deploy"])],
    ("networking.k8s.io", "v1"): [("networkpolicies", "NetworkPolicy", True, ["netpol"])],
    ("rbac.authorization.k8s.io", "v1"): [
        ("clusterrolebindings", "ClusterRoleBinding", False, []),
        ("clusterroles", "ClusterRole", False, []),
        ("rolebindings", "RoleBinding", True, []),
        ("roles", "Role", True, []),
    ],
}
VERBS = ["delete", "get", "list", "patch"]
# The release the stand-in was installed as (its launcher, lab/standins/releases/<version>), as
# the real /version reports the binary's own.
_RELEASE = os.environ.get("KUBE_STANDIN_RELEASE") or "v1.33.0-lab-standin"
_MAJOR_MINOR = re.match(r"v(\d+)\.(\d+)", _RELEASE)
VERSION = {"major": _MAJOR_MINOR[1], "minor": _MAJOR_MINOR[2], "gitVersion": _RELEASE, "platform": "linux/amd64",
           "goVersion": "none (STAND-IN, not Kubernetes)", "compiler": "none", "gitCommit": "", "gitTreeState": "", "buildDate": ""}

# A subset of the bootstrap RBAC policy the real apiserver creates at start (upstream:
# plugin/pkg/auth/authorizer/rbac/bootstrappolicy, v1.33, whose testdata/cluster-roles.yaml and
# cluster-role-bindings.yaml list them): the roles tsplay's bindings and certificates rely on.
_RBAC = "rbac.authorization.k8s.io"


def _rule(verbs, groups=None, resources=None, urls=None):
    r = {"verbs": verbs}
    if urls is not None:
        r["nonResourceURLs"] = urls
    else:
        r["apiGroups"], r["resources"] = groups, resources
    return r


BOOTSTRAP_ROLES = {
    "cluster-admin": [_rule(["*"], ["*"], ["*"]), _rule(["*"], urls=["*"])],
    "system:discovery": [_rule(["get"], urls=["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"])],
    "system:public-info-viewer": [_rule(["get"], urls=["/healthz", "/livez", "/readyz", "/version", "/version/"])],
    "system:basic-user": [_rule(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
                          _rule(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"])],
    "system:kubelet-api-admin": [_rule(["get", "list", "watch"], [""], ["nodes"]), _rule(["proxy"], [""], ["nodes"]),
                                 _rule(["*"], [""], ["nodes/configz", "nodes/healthz", "nodes/log", "nodes/metrics", "nodes/pods", "nodes/proxy", "nodes/stats"])],
    "system:node-proxier": [_rule(["list", "watch"], [""], ["endpoints", "services"]), _rule(["get", "list", "watch"], [""], ["nodes"]),
                            _rule(["create", "patch", "update"], ["", "events.k8s.io"], ["events"]),
                            _rule(["list", "watch"], ["discovery.k8s.io"], ["endpointslices"])],
    "system:node-bootstrapper": [_rule(["create", "get", "list", "watch"], ["certificates.k8s.io"], ["certificatesigningrequests"])],
    "system:certificates.k8s.io:certificatesigningrequests:nodeclient": [_rule(["create"], ["certificates.k8s.io"], ["certificatesigningrequests/nodeclient"])],
    "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient": [_rule(["create"], ["certificates.k8s.io"], ["certificatesigningrequests/selfnodeclient"])],
}
BOOTSTRAP_BINDINGS = {
    "cluster-admin": ("cluster-admin", [("Group", "system:masters")]),
    "system:discovery": ("system:discovery", [("Group", "system:authenticated")]),
    "system:basic-user": ("system:basic-user", [("Group", "system:authenticated")]),
    "system:public-info-viewer": ("system:public-info-viewer", [("Group", "system:authenticated"), ("Group", "system:unauthenticated")]),
    "system:node-proxier": ("system:node-proxier", [("User", "system:kube-proxy")]),
}
NAMESPACES = ["default", "kube-node-lease", "kube-public", "kube-system"]


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class ApiError(Exception):
    def __init__(self, code, reason, message, details=None):
        super().__init__(message)
        self.code, self.reason, self.message, self.details = code, reason, message, details or {}

    def status(self):
        return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": self.message, "reason": self.reason, "details": self.details, "code": self.code}


class Etcd:
    """etcd v3 through its JSON gateway, over mTLS; the first member that answers serves a call."""

    def __init__(self, servers, ca, cert, key):
        self.servers = [urlparse(s) for s in servers]
        self.ctx = ssl.create_default_context(cafile=ca)
        self.ctx.load_cert_chain(cert, key)

    def call(self, path, body):
        last = None
        for u in self.servers:
            try:
                c = http.client.HTTPSConnection(u.hostname, u.port or 2379, context=self.ctx, timeout=5)
                c.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
                r = c.getresponse()
                data = r.read()
                c.close()
                if r.status == 200:
                    return json.loads(data)
                last = f"{u.geturl()}{path}: HTTP {r.status} {data[:200]!r}"
            except (OSError, ssl.SSLError, ValueError) as e:
                last = f"{u.geturl()}{path}: {e}"
        raise ApiError(500, "InternalError", f"etcd: no member answered ({last})")

    @staticmethod
    def b64(s):
        return base64.b64encode(s.encode()).decode()

    @staticmethod
    def _obj(kv):
        obj = json.loads(base64.b64decode(kv["value"]))
        obj.setdefault("metadata", {})["resourceVersion"] = str(kv.get("mod_revision", "0"))
        return obj, int(kv.get("mod_revision", 0))

    def get(self, key):
        kvs = self.call("/v3/kv/range", {"key": self.b64(key)}).get("kvs") or []
        return self._obj(kvs[0]) if kvs else (None, 0)

    def list(self, prefix):
        end = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        r = self.call("/v3/kv/range", {"key": self.b64(prefix), "range_end": self.b64(end)})
        return [self._obj(kv)[0] for kv in r.get("kvs") or []], int(r.get("header", {}).get("revision", 0))

    def put_if(self, key, obj, mod_revision):
        """Writes obj only if key's mod revision is still mod_revision (0: key absent). New revision or None."""
        stored = copy.deepcopy(obj)
        stored.get("metadata", {}).pop("resourceVersion", None)
        cmp = {"key": self.b64(key), "result": "EQUAL"}
        cmp.update({"target": "MOD", "mod_revision": str(mod_revision)} if mod_revision else {"target": "CREATE", "create_revision": "0"})
        r = self.call("/v3/kv/txn", {"compare": [cmp], "success": [{"request_put": {"key": self.b64(key), "value": self.b64(json.dumps(stored, sort_keys=True))}}]})
        return int(r["header"]["revision"]) if r.get("succeeded") else None

    def delete_if(self, key, mod_revision):
        r = self.call("/v3/kv/txn", {"compare": [{"key": self.b64(key), "result": "EQUAL", "target": "MOD", "mod_revision": str(mod_revision)}],
                                     "success": [{"request_delete_range": {"key": self.b64(key)}}]})
        return bool(r.get("succeeded"))


# Field sets for server-side apply: a field is a path of map keys; a list or a scalar is one
# field (lists are atomic here, where the real apiserver merges some lists by key).
def fields_of(obj, prefix=()):
    out = set()
    for k, v in obj.items():
        p = prefix + (k,)
        if isinstance(v, dict) and v:
            out |= fields_of(v, p)
        else:
            out.add(p)
    return out


def applied_fields(cfg):
    f = {p for p in fields_of(cfg) if p[0] not in ("apiVersion", "kind", "status")}
    return {p for p in f if p[:2] not in (("metadata", "name"), ("metadata", "namespace"), ("metadata", "managedFields"), ("metadata", "resourceVersion"))}


def to_fieldsv1(paths):
    root = {}
    for p in sorted(paths):
        node = root
        for k in p:
            node = node.setdefault(f"f:{k}", {})
    return root


def from_fieldsv1(tree, prefix=()):
    out = set()
    for k, v in (tree or {}).items():
        if not k.startswith("f:"):
            continue
        p = prefix + (k[2:],)
        out |= from_fieldsv1(v, p) if v else {p}
    return out


_MISSING = object()


def value_at(obj, path):
    for k in path:
        if not isinstance(obj, dict) or k not in obj:
            return _MISSING
        obj = obj[k]
    return obj


def set_at(obj, path, value):
    for k in path[:-1]:
        if not isinstance(obj.get(k), dict):
            obj[k] = {}
        obj = obj[k]
    obj[path[-1]] = copy.deepcopy(value)


def remove_at(obj, path):
    chain = [obj]
    for k in path[:-1]:
        obj = obj.get(k) if isinstance(obj, dict) else None
        if not isinstance(obj, dict):
            return
        chain.append(obj)
    chain[-1].pop(path[-1], None)
    # maps left empty by the removal go too
    for parent, k in reversed(list(zip(chain[:-1], path[:-1]))):
        if parent.get(k) == {}:
            parent.pop(k)


class Api:
    def __init__(self, etcd, service_cidr, advertise, log):
        self.etcd, self.log, self.advertise = etcd, log, advertise
        self.service_net = ipaddress.ip_network(service_cidr) if service_cidr else None
        self.by_gv = {gv: {r[0]: r for r in rs} for gv, rs in SERVED.items()}

    # ---- bootstrap: what a real apiserver creates when it starts ----
    def bootstrap(self):
        created = []
        for ns in NAMESPACES:
            created += self._ensure("", "v1", "namespaces", None, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}, "spec": {"finalizers": ["kubernetes"]}})
        meta = lambda name: {"name": name, "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"}, "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"}}
        for name, rules in BOOTSTRAP_ROLES.items():
            created += self._ensure(_RBAC, "v1", "clusterroles", None, {"apiVersion": f"{_RBAC}/v1", "kind": "ClusterRole", "metadata": meta(name), "rules": rules})
        for name, (role, subjects) in BOOTSTRAP_BINDINGS.items():
            created += self._ensure(_RBAC, "v1", "clusterrolebindings", None, {
                "apiVersion": f"{_RBAC}/v1", "kind": "ClusterRoleBinding", "metadata": meta(name),
                "roleRef": {"apiGroup": _RBAC, "kind": "ClusterRole", "name": role},
                "subjects": [{"apiGroup": _RBAC, "kind": k, "name": n} for k, n in subjects]})
        if self.service_net:
            first = str(self.service_net.network_address + 1)
            created += self._ensure("", "v1", "services", "default", {
                "apiVersion": "v1", "kind": "Service", "metadata": {"name": "kubernetes", "namespace": "default", "labels": {"component": "apiserver", "provider": "kubernetes"}},
                "spec": {"clusterIP": first, "clusterIPs": [first], "type": "ClusterIP", "sessionAffinity": "None",
                         "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]}})
        self.log(f"ok: bootstrap objects in etcd ({len(created)} created: {', '.join(created) or 'none'})")

    def _ensure(self, group, version, resource, ns, obj):
        key = self.key(resource, ns, obj["metadata"]["name"])
        if self.etcd.get(key)[0] is not None:
            return []
        self.stamp(obj, "kube-apiserver", "Update", f"{group}/{version}" if group else version, applied_fields(obj))
        return [f"{resource}/{obj['metadata']['name']}"] if self.etcd.put_if(key, obj, 0) else []

    @staticmethod
    def key(resource, ns, name=""):
        return f"/registry/{resource}/{ns + '/' if ns else ''}{name}"

    @staticmethod
    def stamp(obj, manager, operation, api_version, paths):
        m = obj.setdefault("metadata", {})
        m.setdefault("uid", str(uuid.uuid4()))
        m.setdefault("creationTimestamp", now())
        m["managedFields"] = [{"manager": manager, "operation": operation, "apiVersion": api_version, "time": now(),
                               "fieldsType": "FieldsV1", "fieldsV1": to_fieldsv1(paths)}]

    # ---- discovery ----
    def discovery(self, path):
        if path == "/api":
            return {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": self.advertise}]}
        if path == "/apis":
            groups = [{"name": g, "versions": [{"groupVersion": f"{g}/{v}", "version": v}], "preferredVersion": {"groupVersion": f"{g}/{v}", "version": v}}
                      for g, v in SERVED if g]
            return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}
        parts = path.strip("/").split("/")
        gv = ("", "v1") if parts == ["api", "v1"] else (parts[1], parts[2]) if len(parts) == 3 and parts[0] == "apis" else None
        if gv in SERVED:
            return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": f"{gv[0]}/{gv[1]}" if gv[0] else gv[1],
                    "resources": [{"name": r, "singularName": k.lower(), "namespaced": nsd, "kind": k, "verbs": VERBS, **({"shortNames": s} if s else {})}
                                  for r, k, nsd, s in SERVED[gv]]}
        if len(parts) == 2 and parts[0] == "apis" and any(g == parts[1] for g, _ in SERVED):
            g, v = next(x for x in SERVED if x[0] == parts[1])
            return {"kind": "APIGroup", "apiVersion": "v1", "name": g, "versions": [{"groupVersion": f"{g}/{v}", "version": v}], "preferredVersion": {"groupVersion": f"{g}/{v}", "version": v}}
        return None

    def route(self, path):
        """(group, version, resource spec, namespace, name) of a resource path, or None."""
        parts = path.strip("/").split("/")
        if parts[:2] == ["api", "v1"]:
            gv, rest = ("", "v1"), parts[2:]
        elif len(parts) >= 3 and parts[0] == "apis":
            gv, rest = (parts[1], parts[2]), parts[3:]
        else:
            return None
        if gv not in SERVED or not rest:
            return None
        ns = None
        if len(rest) >= 3 and rest[0] == "namespaces":
            ns, rest = rest[1], rest[2:]
        if len(rest) > 2:
            raise ApiError(404, "NotFound", f"the server could not find the requested resource (subresources are not served by the lab stand-in): {path}")
        spec = self.by_gv[gv].get(rest[0])
        if not spec:
            raise ApiError(404, "NotFound", f"the server could not find the requested resource: {path}")
        if ns is not None and not spec[2]:
            raise ApiError(404, "NotFound", f"{rest[0]} is not namespaced: {path}")
        return gv, spec, ns, rest[1] if len(rest) == 2 else None

    # ---- RBAC ----
    def allowed(self, user, groups, verb, group=None, resource=None, ns=None, name=None, url=None):
        if "system:masters" in groups:
            return True
        subjects = {("User", user)} | {("Group", g) for g in groups}
        roles = {r["metadata"]["name"]: r for r in self.etcd.list("/registry/clusterroles/")[0]}
        bindings = [(b, None) for b in self.etcd.list("/registry/clusterrolebindings/")[0]]
        if ns and url is None:
            bindings += [(b, ns) for b in self.etcd.list(self.key("rolebindings", ns))[0]]
            ns_roles = {r["metadata"]["name"]: r for r in self.etcd.list(self.key("roles", ns))[0]}
        for b, bns in bindings:
            if not any((s.get("kind"), s.get("name")) in subjects for s in b.get("subjects") or []):
                continue
            ref = b.get("roleRef", {})
            role = roles.get(ref.get("name")) if ref.get("kind") == "ClusterRole" else ns_roles.get(ref.get("name")) if bns else None
            for rule in (role or {}).get("rules") or []:
                if self.rule_allows(rule, verb, group, resource, name, url):
                    return True
        return False

    @staticmethod
    def rule_allows(rule, verb, group, resource, name, url):
        if verb not in rule.get("verbs", []) and "*" not in rule.get("verbs", []):
            return False
        if url is not None:
            return any(u == "*" or u == url or (u.endswith("*") and url.startswith(u[:-1])) for u in rule.get("nonResourceURLs") or [])
        if rule.get("nonResourceURLs"):
            return False
        if group not in rule.get("apiGroups", []) and "*" not in rule.get("apiGroups", []):
            return False
        if resource not in rule.get("resources", []) and "*" not in rule.get("resources", []):
            return False
        names = rule.get("resourceNames") or []
        return not names or name in names

    @staticmethod
    def forbidden(user, verb, group, resource, ns, name, url):
        if url is not None:
            return ApiError(403, "Forbidden", f'forbidden: User "{user}" cannot {verb} path "{url}"')
        what = f"{resource}.{group}" if group else resource
        scope = f'in the namespace "{ns}"' if ns else "at the cluster scope"
        target = f' "{name}"' if name else ""
        return ApiError(403, "Forbidden", f'{what}{target} is forbidden: User "{user}" cannot {verb} resource "{resource}" in API group "{group}" {scope}',
                        {"name": name or "", "group": group, "kind": resource})

    # ---- objects ----
    def read(self, gv, spec, ns, name):
        obj, _ = self.etcd.get(self.key(spec[0], ns, name))
        if obj is None:
            raise ApiError(404, "NotFound", f'{spec[0]}{"." + gv[0] if gv[0] else ""} "{name}" not found', {"name": name, "group": gv[0], "kind": spec[0]})
        return obj

    def list(self, gv, spec, ns, selector, field_selector=None):
        prefix = self.key(spec[0], ns) if ns else f"/registry/{spec[0]}/"
        items, rev = self.etcd.list(prefix)
        items = [i for i in items if matches(i.get("metadata", {}).get("labels") or {}, selector) and fields_match(i, field_selector)]
        return {"kind": f"{spec[1]}List", "apiVersion": f"{gv[0]}/{gv[1]}" if gv[0] else gv[1], "metadata": {"resourceVersion": str(rev)}, "items": items}

    def apply(self, gv, spec, ns, name, cfg, manager, force, dry_run):
        api_version = f"{gv[0]}/{gv[1]}" if gv[0] else gv[1]
        if not isinstance(cfg, dict):
            raise ApiError(400, "BadRequest", "the apply body is not an object")
        if cfg.get("apiVersion") != api_version or cfg.get("kind") != spec[1]:
            raise ApiError(400, "BadRequest", f"apply of {cfg.get('apiVersion')}/{cfg.get('kind')} to {api_version} {spec[0]}: kind and apiVersion must match the path")
        meta = cfg.get("metadata") or {}
        if meta.get("name") != name:
            raise ApiError(400, "BadRequest", f"metadata.name {meta.get('name')!r} does not match the name in the path {name!r}")
        if spec[2] and meta.get("namespace", ns) != ns:
            raise ApiError(400, "BadRequest", f"the namespace of the object ({meta.get('namespace')}) does not match the namespace of the request ({ns})")
        if spec[2] and self.etcd.get(self.key("namespaces", None, ns))[0] is None:
            raise ApiError(404, "NotFound", f'namespaces "{ns}" not found', {"name": ns, "kind": "namespaces"})
        cfg = copy.deepcopy(cfg)
        cfg.pop("status", None)
        cfg["metadata"] = {k: v for k, v in meta.items() if k not in ("managedFields", "resourceVersion", "uid", "creationTimestamp", "generation")}
        if spec[2]:
            cfg["metadata"]["namespace"] = ns
        key = self.key(spec[0], ns, name)
        for _ in range(5):
            live, rev = self.etcd.get(key)
            obj = self.merge(live, cfg, applied_fields(cfg), manager, force, api_version)
            if spec[0] == "services":
                self.check_service(obj, ns, name)
            if spec[0] == "nodes":
                self.check_node(obj, live, name)
            if live is not None and obj == live:
                return live, False
            if dry_run:
                return obj, True
            new_rev = self.etcd.put_if(key, obj, rev)
            if new_rev is not None:
                obj["metadata"]["resourceVersion"] = str(new_rev)
                return obj, True
        raise ApiError(409, "Conflict", f'Operation cannot be fulfilled on {spec[0]} "{name}": the object has been modified; please apply your changes to the latest version and try again')

    def merge(self, live, cfg, mine, manager, force, api_version):
        if live is None:
            obj = copy.deepcopy(cfg)
            self.stamp(obj, manager, "Apply", api_version, mine)
            return obj
        entries = copy.deepcopy(live["metadata"].get("managedFields") or [])
        own = next((e for e in entries if e.get("manager") == manager and e.get("operation") == "Apply"), None)
        others = [e for e in entries if e is not own]
        conflicts = []
        for e in others:
            theirs = from_fieldsv1(e.get("fieldsV1"))
            clash = sorted(p for p in mine & theirs if value_at(live, p) != value_at(cfg, p))
            if clash and not force:
                conflicts += [(e.get("manager"), p) for p in clash]
            elif clash:
                e["fieldsV1"] = to_fieldsv1(theirs - set(clash))
        if conflicts:
            lines = "\n".join(f'- conflict with "{m}": .{".".join(p)}' for m, p in conflicts)
            raise ApiError(409, "Conflict", f"Apply failed with {len(conflicts)} conflict{'s' if len(conflicts) > 1 else ''}: {lines}",
                           {"causes": [{"reason": "FieldManagerConflict", "message": f'conflict with "{m}"', "field": "." + ".".join(p)} for m, p in conflicts]})
        obj = copy.deepcopy(live)
        kept = set().union(*[from_fieldsv1(e.get("fieldsV1")) for e in others]) if others else set()
        for p in from_fieldsv1((own or {}).get("fieldsV1")) - mine - kept:
            remove_at(obj, p)
        for p in mine:
            set_at(obj, p, value_at(cfg, p))
        others = [e for e in others if from_fieldsv1(e.get("fieldsV1"))]
        entry = {"manager": manager, "operation": "Apply", "apiVersion": api_version, "time": (own or {}).get("time"),
                 "fieldsType": "FieldsV1", "fieldsV1": to_fieldsv1(mine)}
        # as the real apiserver: an apply that changes neither the object nor who owns what
        # writes nothing (same resourceVersion), so a converged apply is a no-op
        content = lambda o: {**o, "metadata": {k: v for k, v in o["metadata"].items() if k != "managedFields"}}
        owners = lambda es: sorted((e.get("manager"), e.get("operation"), sorted(from_fieldsv1(e.get("fieldsV1")))) for e in es)
        if own is not None and content(obj) == content(live) and owners(others + [entry]) == owners(live["metadata"].get("managedFields") or []):
            return live
        entry["time"] = now()
        obj["metadata"]["managedFields"] = others + [entry]
        return obj

    def check_service(self, obj, ns, name):
        spec = obj.setdefault("spec", {})
        ip = spec.get("clusterIP")
        if ip in (None, "") and self.service_net:
            used = {s.get("spec", {}).get("clusterIP") for s in self.etcd.list("/registry/services/")[0]}
            ip = next(str(a) for a in self.service_net.hosts() if str(a) not in used)
            spec["clusterIP"], spec["clusterIPs"] = ip, [ip]
        elif ip not in (None, "", "None"):
            if self.service_net and ipaddress.ip_address(ip) not in self.service_net:
                raise ApiError(422, "Invalid", f'Service "{name}" is invalid: spec.clusterIPs: Invalid value: ["{ip}"]: failed to allocate IP {ip}: the provided IP ({ip}) is not in the valid range. The range of valid IPs is {self.service_net}')
            for s in self.etcd.list("/registry/services/")[0]:
                m = s.get("metadata", {})
                if s.get("spec", {}).get("clusterIP") == ip and (m.get("namespace"), m.get("name")) != (ns, name):
                    raise ApiError(422, "Invalid", f'Service "{name}" is invalid: spec.clusterIPs: Invalid value: ["{ip}"]: failed to allocate IP {ip}: provided IP is already allocated')

    def patch(self, gv, spec, ns, name, patch, manager):
        """A merge patch (`kubectl cordon`/`uncordon`/`drain` send a strategic merge patch such as
        {"spec": {"unschedulable": true}}): maps merged, null removes, other values replace; here a
        strategic patch is read as a JSON merge patch, so a list is replaced, not merged by key.
        The manager gets an Update entry in managedFields for the fields it set. (object, changed)"""
        if not isinstance(patch, dict):
            raise ApiError(400, "BadRequest", "the patch body is not an object")
        key = self.key(spec[0], ns, name)
        for _ in range(5):
            live, rev = self.etcd.get(key)
            if live is None:
                self.read(gv, spec, ns, name)
            obj = merge_patch(copy.deepcopy(live), patch)
            meta = obj.setdefault("metadata", {})
            for k in ("name", "namespace", "uid", "creationTimestamp", "managedFields", "resourceVersion"):
                if k in live["metadata"]:
                    meta[k] = copy.deepcopy(live["metadata"][k])
                else:
                    meta.pop(k, None)
            if obj == live:
                return live, False
            if spec[0] == "nodes":
                self.check_node(obj, live, name)
            set_paths = {p for p in fields_of(patch) if value_at(obj, p) is not _MISSING}
            removed = {p for p in fields_of(patch) if value_at(obj, p) is _MISSING}
            entries = []
            for e in copy.deepcopy(meta.get("managedFields") or []):
                owned = {p for p in from_fieldsv1(e.get("fieldsV1")) if not any(p[:len(r)] == r for r in removed)}
                if e.get("manager") == manager and e.get("operation") == "Update":
                    continue
                if owned:
                    entries.append({**e, "fieldsV1": to_fieldsv1(owned)})
            own = next((e for e in meta.get("managedFields") or [] if e.get("manager") == manager and e.get("operation") == "Update"), None)
            mine = {p for p in from_fieldsv1((own or {}).get("fieldsV1")) if not any(p[:len(r)] == r for r in removed)} | set_paths
            if mine:
                api_version = f"{gv[0]}/{gv[1]}" if gv[0] else gv[1]
                entries.append({"manager": manager, "operation": "Update", "apiVersion": api_version, "time": now(), "fieldsType": "FieldsV1", "fieldsV1": to_fieldsv1(mine)})
            meta["managedFields"] = entries
            new_rev = self.etcd.put_if(key, obj, rev)
            if new_rev is not None:
                obj["metadata"]["resourceVersion"] = str(new_rev)
                return obj, True
        raise ApiError(409, "Conflict", f'Operation cannot be fulfilled on {spec[0]} "{name}": the object has been modified; please apply your changes to the latest version and try again')

    @staticmethod
    def check_node(obj, live, name):
        """The real apiserver's Node validation of the pod CIDRs: each a CIDR, podCIDR the first of
        podCIDRs, and once set they do not change (the controller-manager and the kubelets rely on it)."""
        def invalid(field, reason, detail):
            return ApiError(422, "Invalid", f'Node "{name}" is invalid: {field}: {detail}',
                            {"name": name, "kind": "Node", "causes": [{"reason": reason, "message": detail, "field": field}]})
        spec = obj.get("spec") or {}
        cidrs = spec.get("podCIDRs") or ([spec["podCIDR"]] if spec.get("podCIDR") else [])
        for i, c in enumerate(cidrs):
            try:
                ipaddress.ip_network(c)
            except (TypeError, ValueError):
                raise invalid(f"spec.podCIDRs[{i}]", "FieldValueInvalid", f'Invalid value: "{c}": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')
        if spec.get("podCIDR") and cidrs and spec["podCIDR"] != cidrs[0]:
            raise invalid("spec.podCIDRs[0]", "FieldValueInvalid", f'Invalid value: "{cidrs[0]}": must match spec.podCIDR ({spec["podCIDR"]})')
        old = (live or {}).get("spec") or {}
        old_cidrs = old.get("podCIDRs") or ([old["podCIDR"]] if old.get("podCIDR") else [])
        if old_cidrs and old_cidrs != cidrs:
            raise invalid("spec.podCIDRs", "FieldValueForbidden", 'Forbidden: node updates may not change podCIDR except from "" to valid')

    def delete(self, gv, spec, ns, name):
        if spec[0] == "namespaces":
            raise ApiError(405, "MethodNotAllowed", "the lab stand-in does not delete namespaces")
        key = self.key(spec[0], ns, name)
        obj, rev = self.etcd.get(key)
        if obj is None or not self.etcd.delete_if(key, rev):
            self.read(gv, spec, ns, name)
        return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": {"name": name, "group": gv[0], "kind": spec[0], "uid": obj["metadata"].get("uid")}}


def merge_patch(target, patch):
    """RFC 7386 JSON merge patch."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if not isinstance(target, dict):
        target = {}
    for k, v in patch.items():
        if v is None:
            target.pop(k, None)
        else:
            target[k] = merge_patch(target.get(k), v)
    return target


def fields_match(obj, selector):
    """Field selectors (spec.nodeName=NAME, metadata.name!=NAME), comma-separated: as the real
    apiserver for the fields it indexes, on any field here."""
    for term in filter(None, (t.strip() for t in (selector or "").split(","))):
        neg = "!=" in term
        k, v = term.replace("!=", "=").replace("==", "=").split("=", 1)
        found = value_at(obj, tuple(k.strip().split(".")))
        if ((found if found is not _MISSING else "") == v.strip()) == neg:
            return False
    return True


def matches(labels, selector):
    """Equality-based label selectors (a=b, a==b, a!=b, a, !a), comma-separated."""
    for term in filter(None, (t.strip() for t in (selector or "").split(","))):
        if "!=" in term:
            k, v = term.split("!=", 1)
            if labels.get(k.strip()) == v.strip():
                return False
        elif "=" in term:
            k, v = term.replace("==", "=").split("=", 1)
            if labels.get(k.strip()) != v.strip():
                return False
        elif term.startswith("!"):
            if term[1:] in labels:
                return False
        elif term not in labels:
            return False
    return True


def table(gv, spec, items, rev):
    """The meta.k8s.io/v1 Table kubectl asks for: the columns of the real default table convertor."""
    rows = [{"cells": [i["metadata"]["name"], i["metadata"].get("creationTimestamp")],
             "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": i["metadata"]}} for i in items]
    return {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": str(rev)},
            "columnDefinitions": [{"name": "Name", "type": "string", "format": "name", "description": "Name must be unique within a namespace.", "priority": 0},
                                  {"name": "Created At", "type": "date", "format": "", "description": "CreationTimestamp is a timestamp representing the server time when this object was created.", "priority": 0}],
            "rows": rows}


def _pb_varint(n):
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _pb(field, value):
    """One protobuf field: a bool as a varint, a str or an encoded message length-delimited."""
    if isinstance(value, bool):
        return _pb_varint(field << 3) + _pb_varint(int(value))
    data = value.encode() if isinstance(value, str) else value
    return _pb_varint(field << 3 | 2) + _pb_varint(len(data)) + data


def openapi_v2():
    """The OpenAPI v2 document, protobuf-encoded (gnostic's openapi_v2.Document, as the real
    apiserver serves it to kubectl), describing only what the stand-in serves: each object's
    path with its PATCH operation, its x-kubernetes-group-version-kind and the dryRun,
    fieldManager and force query parameters (kubectl diff --server-side looks for dryRun). It
    has no schema definitions, so kubectl's client-side validation has nothing to check against:
    tsplay's unit tests validate the manifests against the upstream OpenAPI instead."""
    paths = b""
    for (group, version), resources in SERVED.items():
        base = f"/apis/{group}/{version}" if group else f"/api/{version}"
        for resource, kind, namespaced, _ in resources:
            gvk = _pb(1, "x-kubernetes-group-version-kind") + _pb(2, _pb(2, f"group: \"{group}\"\nkind: {kind}\nversion: {version}\n"))
            params = b"".join(_pb(8, _pb(1, _pb(2, _pb(3, _pb(2, "query") + _pb(4, name) + _pb(6, "string")))))
                              for name in ("dryRun", "fieldManager", "force"))
            operation = _pb(5, f"patch{kind}") + _pb(7, "application/apply-patch+yaml") + params + _pb(13, gvk)
            name = f"{base}/namespaces/{{namespace}}/{resource}/{{name}}" if namespaced else f"{base}/{resource}/{{name}}"
            paths += _pb(2, _pb(1, name) + _pb(2, _pb(8, operation)))
    info = _pb(1, "Kubernetes (lab STAND-IN, not Kubernetes)") + _pb(2, VERSION["gitVersion"])
    return _pb(1, "2.0") + _pb(2, info) + _pb(8, paths)


def identity(connection):
    """User and groups from a verified client certificate (CN, O); anonymous without one."""
    try:
        cert = connection.getpeercert()
    except (AttributeError, ValueError):
        cert = None
    if not cert:
        return "system:anonymous", ["system:unauthenticated"]
    attrs = [a for rdn in cert.get("subject", ()) for a in rdn]
    cn = next((v for k, v in attrs if k == "commonName"), "")
    return cn, [v for k, v in attrs if k == "organizationName"] + ["system:authenticated"]


def handler(base, api, log):
    """A request handler class over the stand-in's health handler `base`: health paths as before,
    everything else through the API above."""

    class ApiHandler(base):
        def send_json(self, code, obj):
            data = json.dumps(obj).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-Stand-In", "not Kubernetes")
            self.end_headers()
            self.wfile.write(data)

        def body(self):
            n = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(n) if n else b""

        def handle_api(self, method):
            u = urlparse(self.path)
            path, q = u.path.rstrip("/") or "/", {k: v[-1] for k, v in parse_qs(u.query).items()}
            user, groups = identity(self.connection)
            try:
                if method == "GET" and path in base.paths:
                    return base.do_GET(self)
                if method == "GET" and path == "/version":
                    return self.send_json(200, VERSION)
                r = api.route(path)
                if r is None:
                    if method != "GET":
                        raise ApiError(405, "MethodNotAllowed", f"{method} is not supported on {path}")
                    if not api.allowed(user, groups, "get", url=path):
                        raise api.forbidden(user, "get", None, None, None, None, path)
                    if path == "/openapi/v2":
                        data = openapi_v2()
                        self.send_response(200)
                        self.send_header("Content-Type", "application/octet-stream")
                        self.send_header("Content-Length", str(len(data)))
                        self.send_header("X-Stand-In", "not Kubernetes")
                        self.end_headers()
                        return self.wfile.write(data)
                    d = api.discovery(path)
                    if d is None:
                        raise ApiError(404, "NotFound", f"the server could not find the requested resource: {path}")
                    return self.send_json(200, d)
                gv, spec, ns, name = r
                verb = {"GET": "get" if name else "list", "PATCH": "patch", "DELETE": "delete"}.get(method)
                if verb is None or (verb in ("patch", "delete") and not name):
                    raise ApiError(405, "MethodNotAllowed", f"the lab stand-in serves only GET, PATCH (server-side apply, merge patches) and DELETE of single objects ({method} {path})")
                if spec[0] == "namespaces" and name:
                    ns_for_rbac = name
                else:
                    ns_for_rbac = ns
                if not api.allowed(user, groups, verb, gv[0], spec[0], ns_for_rbac, name):
                    raise api.forbidden(user, verb, gv[0], spec[0], ns_for_rbac, name, None)
                as_table = "as=Table" in (self.headers.get("Accept") or "")
                if verb == "get":
                    obj = api.read(gv, spec, ns, name)
                    return self.send_json(200, table(gv, spec, [obj], obj["metadata"]["resourceVersion"]) if as_table else obj)
                if verb == "list":
                    if q.get("watch") in ("true", "1"):
                        raise ApiError(405, "MethodNotAllowed", "the lab stand-in does not serve watch")
                    lst = api.list(gv, spec, ns, q.get("labelSelector"), q.get("fieldSelector"))
                    return self.send_json(200, table(gv, spec, lst["items"], lst["metadata"]["resourceVersion"]) if as_table else lst)
                if verb == "delete":
                    return self.send_json(200, api.delete(gv, spec, ns, name))
                ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
                if ctype in ("application/strategic-merge-patch+json", "application/merge-patch+json"):
                    try:
                        patch = json.loads(self.body())
                    except ValueError:
                        raise ApiError(400, "BadRequest", "the patch body is not JSON")
                    manager = q.get("fieldManager") or (self.headers.get("User-Agent") or "unknown").split("/")[0]
                    obj, changed = api.patch(gv, spec, ns, name, patch, manager)
                    log(f"patch {spec[0]}/{name}{' in ' + ns if ns else ''} by {user} ({manager}): {json.dumps(patch, sort_keys=True)}: {'changed' if changed else 'unchanged'}")
                    return self.send_json(200, obj)
                if ctype != "application/apply-patch+yaml":
                    raise ApiError(415, "UnsupportedMediaType", f"the lab stand-in serves server-side apply (application/apply-patch+yaml) and merge patches, not {ctype}")
                if not q.get("fieldManager"):
                    raise ApiError(400, "BadRequest", "PATCH, application/apply-patch+yaml: fieldManager is required for apply requests")
                try:
                    cfg = json.loads(self.body())
                except ValueError:
                    raise ApiError(400, "BadRequest", "the lab stand-in reads apply bodies as JSON (kubectl sends JSON); YAML bodies are not parsed")
                dry = q.get("dryRun") == "All"
                obj, changed = api.apply(gv, spec, ns, name, cfg, q["fieldManager"], q.get("force") == "true", dry)
                what = f"{spec[0]}/{name}" + (f" in {ns}" if ns else "")
                log(f"apply {what} by {user} ({q['fieldManager']}): {'dry run, ' if dry else ''}{'changed' if changed else 'unchanged'}")
                return self.send_json(200, obj)
            except ApiError as e:
                return self.send_json(e.code, e.status())

        def do_GET(self):
            self.handle_api("GET")

        def do_PATCH(self):
            self.handle_api("PATCH")

        def do_DELETE(self):
            self.handle_api("DELETE")

        def do_POST(self):
            self.body()
            self.handle_api("POST")

        def do_PUT(self):
            self.body()
            self.handle_api("PUT")

    return ApiHandler


_bootstrap_lock = threading.Lock()


def start(flags, servers, etcd_ca, etcd_cert, etcd_key, log):
    """Called by kube-standin's kube-apiserver once etcd answers: bootstraps and returns the Api."""
    api = Api(Etcd(servers, etcd_ca, etcd_cert, etcd_key), flags.get("service-cluster-ip-range", "").split(",")[0],
              f"{flags.get('advertise-address', '127.0.0.1')}:{flags.get('secure-port', '6443')}", log)
    with _bootstrap_lock:
        api.bootstrap()
    return api
