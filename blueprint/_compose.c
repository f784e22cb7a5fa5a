/* The loader's fast path: libyaml events composed straight into plain data and places, in C.
 *
 * It does exactly what loader._Composer does in Python (tests run both over the same inputs), for about
 * a fifth of the time: building a Python event object per YAML event is what makes the Python path slow.
 *
 * compose(text, resolve_plain, special_start, first_control, stop, max_depth, max_alias_nodes)
 *   -> (data, values, keys, findings); the loader's resolve_plain and first_control are called for the
 *   plain scalars that start with a character of special_start and for double-quoted scalars;
 *   values, keys: {path tuple: line << COLUMN_BITS | column}, 0-based as libyaml counts (characters);
 *   findings: [(kind, line, column, args)]; a problem after which nothing more can be read raises
 *   stop(kind, line, column, args, findings so far). loader.PROBLEMS words each kind.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>
#include <yaml.h>

typedef struct {
    yaml_parser_t parser;
    yaml_event_t event;     /* the current event, owned while has_event */
    int has_event;
    PyObject *resolve_plain, *first_control, *stop;
    const char *special_start;
    Py_ssize_t special_start_length;
    PyObject *values, *keys, *findings, *anchors, *dup_key;
    long nodes, alias_nodes, max_alias_nodes;
    int max_depth;
} Composer;

#define COLUMN_BITS 24   /* as loader.COLUMN_BITS */

static PyObject *place(yaml_mark_t mark) {
    return PyLong_FromSize_t(mark.line << COLUMN_BITS | mark.column);
}

/* Raise stop(kind, line, column, args); args is stolen. Always NULL. */
static PyObject *raise_stop(Composer *c, const char *kind, yaml_mark_t mark, PyObject *args) {
    if (args == NULL)
        return NULL;
    PyObject *error = PyObject_CallFunction(c->stop, "snnNO", kind, (Py_ssize_t)mark.line,
                                            (Py_ssize_t)mark.column, args, c->findings);
    if (error != NULL) {
        PyErr_SetObject((PyObject *)Py_TYPE(error), error);
        Py_DECREF(error);
    }
    return NULL;
}

static int add_finding(Composer *c, const char *kind, yaml_mark_t mark, PyObject *args) {
    if (args == NULL)
        return -1;
    PyObject *finding = Py_BuildValue("(snnN)", kind, (Py_ssize_t)mark.line, (Py_ssize_t)mark.column, args);
    if (finding == NULL)
        return -1;
    int failed = PyList_Append(c->findings, finding);
    Py_DECREF(finding);
    return failed;
}

/* Move to the next event; a libyaml error becomes stop("syntax" | "reader", ...). */
static int next_event(Composer *c) {
    if (c->has_event) {
        yaml_event_delete(&c->event);
        c->has_event = 0;
    }
    if (yaml_parser_parse(&c->parser, &c->event)) {
        c->has_event = 1;
        return 0;
    }
    yaml_parser_t *p = &c->parser;
    if (p->error == YAML_MEMORY_ERROR) {
        PyErr_NoMemory();
    } else if (p->error == YAML_READER_ERROR) {
        yaml_mark_t nowhere = {0, 0, 0};
        raise_stop(c, "reader", nowhere, Py_BuildValue("(nis)", (Py_ssize_t)p->problem_offset,
                                                       p->problem_value, p->problem ? p->problem : "?"));
    } else {
        yaml_mark_t mark = p->problem ? p->problem_mark : p->context_mark;
        raise_stop(c, "syntax", mark, Py_BuildValue("(ss)", p->problem ? p->problem : "invalid YAML",
                                                    p->context));
    }
    return -1;
}

static PyObject *path_with(PyObject *path, PyObject *item) {
    Py_ssize_t size = PyTuple_GET_SIZE(path);
    PyObject *longer = PyTuple_New(size + 1);
    if (longer == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < size; i++) {
        PyObject *part = PyTuple_GET_ITEM(path, i);
        Py_INCREF(part);
        PyTuple_SET_ITEM(longer, i, part);
    }
    Py_INCREF(item);
    PyTuple_SET_ITEM(longer, size, item);
    return longer;
}

static int set_place(PyObject *table, PyObject *path, yaml_mark_t mark) {
    PyObject *where = place(mark);
    if (where == NULL)
        return -1;
    int failed = PyDict_SetItem(table, path, where);
    Py_DECREF(where);
    return failed;
}

static PyObject *scalar_text(yaml_event_t *event) {
    return PyUnicode_DecodeUTF8((const char *)event->data.scalar.value, (Py_ssize_t)event->data.scalar.length,
                                "strict");
}

/* A plain untagged scalar as the YAML 1.2 core schema reads it: most are text, the rest go to Python. */
static PyObject *plain_value(Composer *c, yaml_event_t *event) {
    PyObject *text = scalar_text(event);
    if (text == NULL || (event->data.scalar.length > 0
                         && memchr(c->special_start, event->data.scalar.value[0], c->special_start_length) == NULL))
        return text;
    PyObject *value = PyObject_CallOneArg(c->resolve_plain, text);
    Py_DECREF(text);
    return value;
}

static int is_plain_untagged(yaml_event_t *event) {
    return event->type == YAML_SCALAR_EVENT && event->data.scalar.style == YAML_PLAIN_SCALAR_STYLE
           && event->data.scalar.tag == NULL && event->data.scalar.anchor == NULL;
}

static PyObject *node(Composer *c, PyObject *path, int depth);

static PyObject *alias(Composer *c, yaml_mark_t mark) {
    const char *name = (const char *)c->event.data.alias.anchor;
    PyObject *target = PyDict_GetItemString(c->anchors, name);   /* borrowed */
    if (target == NULL)
        return raise_stop(c, "no_anchor", mark, Py_BuildValue("(s)", name));
    if (target == Py_None)
        return raise_stop(c, "self_alias", mark, Py_BuildValue("(s)", name));
    long size = PyLong_AsLong(PyTuple_GET_ITEM(target, 1));
    c->alias_nodes += size;
    c->nodes += size;
    if (c->alias_nodes > c->max_alias_nodes)
        return raise_stop(c, "alias_bomb", mark, PyTuple_New(0));
    PyObject *data = PyTuple_GET_ITEM(target, 0);
    Py_INCREF(data);
    return data;
}

static PyObject *sequence(Composer *c, PyObject *path, int depth) {
    PyObject *data = PyList_New(0);
    if (data == NULL)
        return NULL;
    for (;;) {
        if (next_event(c) < 0)
            goto fail;
        if (c->event.type == YAML_SEQUENCE_END_EVENT)
            return data;
        PyObject *index = PyLong_FromSsize_t(PyList_GET_SIZE(data));
        PyObject *item_path = index ? path_with(path, index) : NULL;
        Py_XDECREF(index);
        PyObject *item = item_path ? node(c, item_path, depth + 1) : NULL;
        Py_XDECREF(item_path);
        if (item == NULL || PyList_Append(data, item) < 0) {
            Py_XDECREF(item);
            goto fail;
        }
        Py_DECREF(item);
    }
fail:
    Py_DECREF(data);
    return NULL;
}

/* One entry of a mapping, its key event current; 0 or -1. */
static int entry(Composer *c, PyObject *data, PyObject *path, int depth) {
    yaml_mark_t mark = c->event.start_mark;
    if (c->event.type != YAML_SCALAR_EVENT) {
        raise_stop(c, "key_not_text", mark, PyTuple_New(0));
        return -1;
    }
    if (c->event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && c->event.data.scalar.length == 2
            && memcmp(c->event.data.scalar.value, "<<", 2) == 0) {
        raise_stop(c, "merge_key", mark, PyTuple_New(0));
        return -1;
    }
    PyObject *key = scalar_text(&c->event);
    if (key == NULL)
        return -1;
    PyObject *key_path = path_with(path, key);
    PyObject *value = NULL;
    int failed = -1;
    if (key_path == NULL)
        goto done;
    int duplicate = PyDict_Contains(data, key);
    if (duplicate < 0)
        goto done;
    if (duplicate) {
        PyObject *first = PyDict_GetItem(c->keys, key_path);   /* borrowed */
        Py_ssize_t first_line = first ? (PyLong_AsSsize_t(first) >> COLUMN_BITS) + 1 : 0;
        if (add_finding(c, "duplicate_key", mark, Py_BuildValue("(On)", key, first_line)) < 0)
            goto done;
        PyObject *dup_path = path_with(path, c->dup_key);
        if (dup_path == NULL || next_event(c) < 0) {
            Py_XDECREF(dup_path);
            goto done;
        }
        value = node(c, dup_path, depth + 1);
        Py_DECREF(dup_path);
        failed = value == NULL ? -1 : 0;
        goto done;
    }
    if (set_place(c->keys, key_path, mark) < 0 || next_event(c) < 0)
        goto done;
    if (is_plain_untagged(&c->event)) {   /* the common case, inlined as in the Python composer */
        if (set_place(c->values, key_path, c->event.start_mark) < 0)
            goto done;
        value = plain_value(c, &c->event);
        c->nodes += 1;
    } else {
        value = node(c, key_path, depth + 1);
    }
    if (value != NULL)
        failed = PyDict_SetItem(data, key, value);
done:
    Py_XDECREF(value);
    Py_XDECREF(key_path);
    Py_DECREF(key);
    return failed;
}

static PyObject *mapping(Composer *c, PyObject *path, int depth) {
    PyObject *data = PyDict_New();
    if (data == NULL)
        return NULL;
    for (;;) {
        if (next_event(c) < 0)
            break;
        if (c->event.type == YAML_MAPPING_END_EVENT)
            return data;
        if (entry(c, data, path, depth) < 0)
            break;
    }
    Py_DECREF(data);
    return NULL;
}

/* The data of the node that the current event starts. */
static PyObject *node(Composer *c, PyObject *path, int depth) {
    yaml_mark_t mark = c->event.start_mark;
    if (set_place(c->values, path, mark) < 0)
        return NULL;
    if (depth > c->max_depth)
        return raise_stop(c, "too_deep", mark, PyTuple_New(0));
    yaml_event_type_t type = c->event.type;
    if (type == YAML_ALIAS_EVENT)
        return alias(c, mark);
    c->nodes += 1;
    const char *tag = NULL, *anchor_name = NULL;
    if (type == YAML_SCALAR_EVENT) {
        tag = (const char *)c->event.data.scalar.tag;
        anchor_name = (const char *)c->event.data.scalar.anchor;
    } else if (type == YAML_SEQUENCE_START_EVENT) {
        tag = (const char *)c->event.data.sequence_start.tag;
        anchor_name = (const char *)c->event.data.sequence_start.anchor;
    } else if (type == YAML_MAPPING_START_EVENT) {
        tag = (const char *)c->event.data.mapping_start.tag;
        anchor_name = (const char *)c->event.data.mapping_start.anchor;
    } else {
        return raise_stop(c, "unexpected", mark, Py_BuildValue("(i)", (int)type));
    }
    if (tag != NULL && strcmp(tag, "!") != 0
            && add_finding(c, "tag", mark, Py_BuildValue("(s)", tag)) < 0)
        return NULL;
    PyObject *anchor = NULL;
    long first_node = c->nodes;
    if (anchor_name != NULL) {
        /* in progress: an alias to it now would be self-referencing */
        anchor = PyUnicode_FromString(anchor_name);
        if (anchor == NULL || PyDict_SetItem(c->anchors, anchor, Py_None) < 0) {
            Py_XDECREF(anchor);
            return NULL;
        }
    }
    PyObject *data;
    if (type == YAML_SCALAR_EVENT) {
        int plain = c->event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        data = plain && tag == NULL ? plain_value(c, &c->event) : scalar_text(&c->event);
        if (data != NULL && c->event.data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
            PyObject *control = PyObject_CallOneArg(c->first_control, data);
            if (control == NULL
                    || (control != Py_None && add_finding(c, "control", mark, PyTuple_Pack(1, control)) < 0))
                Py_CLEAR(data);
            Py_XDECREF(control);
        }
    } else if (type == YAML_SEQUENCE_START_EVENT) {
        data = sequence(c, path, depth);
    } else {
        data = mapping(c, path, depth);
    }
    if (anchor != NULL) {
        PyObject *entry_value = data ? Py_BuildValue("(Ol)", data, c->nodes - first_node + 1) : NULL;
        if (entry_value == NULL || PyDict_SetItem(c->anchors, anchor, entry_value) < 0)
            Py_CLEAR(data);
        Py_XDECREF(entry_value);
        Py_DECREF(anchor);
    }
    return data;
}

static PyObject *document(Composer *c) {
    if (next_event(c) < 0 || next_event(c) < 0)   /* stream start, then a document or the stream's end */
        return NULL;
    if (c->event.type == YAML_STREAM_END_EVENT)
        Py_RETURN_NONE;
    PyObject *root = PyTuple_New(0);
    if (root == NULL || next_event(c) < 0) {
        Py_XDECREF(root);
        return NULL;
    }
    PyObject *data = node(c, root, 0);
    Py_DECREF(root);
    if (data == NULL || next_event(c) < 0 || next_event(c) < 0) {   /* document end, then what follows */
        Py_XDECREF(data);
        return NULL;
    }
    if (c->event.type == YAML_DOCUMENT_START_EVENT) {
        Py_DECREF(data);
        return raise_stop(c, "several_documents", c->event.start_mark, PyTuple_New(0));
    }
    return data;
}

static PyObject *compose(PyObject *module, PyObject *args) {
    PyObject *text;
    Composer c;
    memset(&c, 0, sizeof c);
    if (!PyArg_ParseTuple(args, "UOs#OOil", &text, &c.resolve_plain, &c.special_start, &c.special_start_length,
                          &c.first_control, &c.stop, &c.max_depth, &c.max_alias_nodes))
        return NULL;
    Py_ssize_t size;
    const char *utf8 = PyUnicode_AsUTF8AndSize(text, &size);
    if (utf8 == NULL)
        return NULL;
    if (!yaml_parser_initialize(&c.parser))
        return PyErr_NoMemory();
    yaml_parser_set_input_string(&c.parser, (const unsigned char *)utf8, (size_t)size);
    yaml_parser_set_encoding(&c.parser, YAML_UTF8_ENCODING);
    PyObject *result = NULL, *data = NULL;
    c.values = PyDict_New();
    c.keys = PyDict_New();
    c.findings = PyList_New(0);
    c.anchors = PyDict_New();
    c.dup_key = PyUnicode_FromStringAndSize("\0dup", 4);   /* where a duplicate key's value is placed */
    if (c.values && c.keys && c.findings && c.anchors && c.dup_key)
        data = document(&c);
    if (data != NULL)
        result = PyTuple_Pack(4, data, c.values, c.keys, c.findings);
    Py_XDECREF(data);
    Py_XDECREF(c.values);
    Py_XDECREF(c.keys);
    Py_XDECREF(c.findings);
    Py_XDECREF(c.anchors);
    Py_XDECREF(c.dup_key);
    if (c.has_event)
        yaml_event_delete(&c.event);
    yaml_parser_delete(&c.parser);
    return result;
}

static PyMethodDef methods[] = {
    {"compose", compose, METH_VARARGS, "Compose YAML text into (data, values, keys, findings)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_compose", "The loader's fast path, over libyaml.",
                                    -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__compose(void) {
    return PyModule_Create(&module);
}
