#include "compiler/frontend/flatbuffer_locate.h"

#include <flatbuffers/reflection.h>
#include <fmt/format.h>

namespace kiln::frontend {
namespace {

using flatbuffers::Table;
using flatbuffers::uoffset_t;
using flatbuffers::voffset_t;

class Locator {
 public:
  Locator(const reflection::Schema& schema, const uint8_t* buffer, size_t size)
      : schema_(schema), buffer_(buffer), size_(size), verifier_(buffer, size) {}

  std::string run() {
    if (size_ < sizeof(uoffset_t) || !verifier_.Verify<uoffset_t>(0))
      return fmt::format("the root offset: a buffer of {} bytes is too short", size_);
    const uoffset_t root = flatbuffers::ReadScalar<uoffset_t>(buffer_);
    if (root >= size_) return fmt::format("the root offset: {} points past the end of the buffer ({} bytes)", root, size_);
    table(reinterpret_cast<const Table*>(buffer_ + root), *schema_.root_table(), short_name(*schema_.root_table()));
    return problem_;
  }

 private:
  size_t at(const void* p) const { return size_t(static_cast<const uint8_t*>(p) - buffer_); }

  bool fail(const std::string& path, const std::string& what) {
    problem_ = fmt::format("{}: {}", path, what);
    return false;
  }

  static std::string child(const std::string& path, const std::string& name) { return path + "." + name; }

  bool scalar_field(const Table* t, voffset_t field, size_t bytes) {
    switch (bytes) {
      case 1: return t->VerifyField<uint8_t>(verifier_, field, 1);
      case 2: return t->VerifyField<uint16_t>(verifier_, field, 2);
      case 4: return t->VerifyField<uint32_t>(verifier_, field, 4);
      default: return t->VerifyField<uint64_t>(verifier_, field, 8);
    }
  }

  // Which of VerifyTableStart's checks failed, in its order.
  std::string table_start_problem(const Table* t, const reflection::Object& obj) const {
    const std::string what = fmt::format("{} table at byte {}", short_name(obj), at(t));
    const size_t table_at = at(t);
    if (table_at + sizeof(flatbuffers::soffset_t) > size_ || table_at % sizeof(flatbuffers::soffset_t))
      return what + " lies outside the buffer or is misaligned";
    const size_t vtable_at = table_at - size_t(flatbuffers::ReadScalar<flatbuffers::soffset_t>(buffer_ + table_at));
    if (vtable_at >= size_ || vtable_at + sizeof(voffset_t) > size_ || vtable_at % sizeof(voffset_t))
      return fmt::format("{}: its vtable offset points outside the buffer or is misaligned", what);
    const voffset_t vsize = flatbuffers::ReadScalar<voffset_t>(buffer_ + vtable_at);
    if (vsize % 2 || vtable_at + vsize > size_)
      return fmt::format("{}: its vtable at byte {} of {} bytes runs past the end of the buffer or has an odd size",
                         what, vtable_at, vsize);
    return what + ": more tables, or tables nested deeper, than the verifier allows";
  }

  static std::string short_name(const reflection::Object& obj) {
    const std::string name = obj.name()->str();  // "tflite.Tensor"
    return name.substr(name.rfind('.') + 1);
  }

  bool table(const Table* t, const reflection::Object& obj, const std::string& path) {
    if (!t->VerifyTableStart(verifier_)) return fail(path, table_start_problem(t, obj));
    for (const reflection::Field* f : *obj.fields())
      if (!field(t, obj, *f, child(path, f->name()->str()))) return false;
    verifier_.EndTable();
    return true;
  }

  bool field(const Table* t, const reflection::Object& obj, const reflection::Field& f, const std::string& path) {
    const reflection::Type& type = *f.type();
    const voffset_t off = f.offset();
    switch (type.base_type()) {
      case reflection::None:
      case reflection::Array:
        return true;
      case reflection::UType: case reflection::Bool: case reflection::Byte: case reflection::UByte:
      case reflection::Short: case reflection::UShort: case reflection::Int: case reflection::UInt:
      case reflection::Long: case reflection::ULong: case reflection::Float: case reflection::Double:
        if (!scalar_field(t, off, flatbuffers::GetTypeSize(type.base_type())))
          return fail(path, fmt::format("scalar of the {} table at byte {} lies outside the buffer or is misaligned",
                                        short_name(obj), at(t)));
        return true;
      default:
        break;
    }
    if (type.base_type() == reflection::Obj && schema_.objects()->Get(type.index())->is_struct()) {
      const reflection::Object& s = *schema_.objects()->Get(type.index());
      const voffset_t where = t->GetOptionalFieldOffset(off);
      if (where && !verifier_.VerifyFieldStruct(reinterpret_cast<const uint8_t*>(t), where, s.bytesize(), s.minalign()))
        return fail(path, fmt::format("struct {} lies outside the buffer", short_name(s)));
      return true;
    }
    // Everything else is an offset to its value.
    if (!t->VerifyOffset(verifier_, off))
      return fail(path, fmt::format("offset in the {} table at byte {} points outside the buffer", short_name(obj),
                                    at(t)));
    const uint8_t* value = t->GetPointer<const uint8_t*>(off);
    if (!value) return true;
    switch (type.base_type()) {
      case reflection::String:
        if (!verifier_.VerifyString(reinterpret_cast<const flatbuffers::String*>(value)))
          return fail(path, fmt::format("string at byte {} runs past the end of the buffer ({} bytes) or has no "
                                        "terminating zero",
                                        at(value), size_));
        return true;
      case reflection::Obj:
        return table(reinterpret_cast<const Table*>(value), *schema_.objects()->Get(type.index()), path);
      case reflection::Union:
        return union_value(t, obj, f, value, path);
      case reflection::Vector:
        return vector(value, type, path);
      default:
        return fail(path, "a field of a kind this schema walk does not know");
    }
  }

  bool union_value(const Table* t, const reflection::Object& obj, const reflection::Field& f, const uint8_t* value,
                   const std::string& path) {
    const reflection::Field* type_field = obj.fields()->LookupByKey((f.name()->str() + "_type").c_str());
    if (!type_field) return true;
    // The schema lists fields by name, so the tag ("x_type") may not have
    // been checked yet: check it before reading it.
    if (!scalar_field(t, type_field->offset(), 1))
      return fail(path + "_type", fmt::format("union tag of the {} table at byte {} lies outside the buffer",
                                              short_name(obj), at(t)));
    const uint8_t tag = t->GetField<uint8_t>(type_field->offset(), 0);
    const reflection::EnumVal* member = schema_.enums()->Get(f.type()->index())->values()->LookupByKey(tag);
    if (!member || !member->union_type() || member->union_type()->base_type() != reflection::Obj)
      return true;  // an unknown member: the reader refuses it by name
    const reflection::Object& o = *schema_.objects()->Get(member->union_type()->index());
    return table(reinterpret_cast<const Table*>(value), o, path + " (" + short_name(o) + ")");
  }

  bool vector(const uint8_t* vec, const reflection::Type& type, const std::string& path) {
    const reflection::BaseType elem = type.element();
    const bool tables = elem == reflection::Obj && !schema_.objects()->Get(type.index())->is_struct();
    const size_t elem_size = tables || elem == reflection::String
                                 ? sizeof(uoffset_t)
                                 : flatbuffers::GetTypeSizeInline(elem, type.index(), schema_);
    if (!verifier_.VerifyVectorOrString(vec, elem_size)) {
      if (at(vec) + sizeof(uoffset_t) > size_ || at(vec) % sizeof(uoffset_t))
        return fail(path, fmt::format("vector at byte {}: its length lies outside the buffer or is misaligned",
                                      at(vec)));
      return fail(path, fmt::format("vector at byte {} of {} elements runs past the end of the buffer ({} bytes)",
                                    at(vec), flatbuffers::ReadScalar<uoffset_t>(vec), size_));
    }
    if (!tables && elem != reflection::String) return true;
    const auto* offsets = reinterpret_cast<const flatbuffers::Vector<uoffset_t>*>(vec);
    for (uoffset_t i = 0; i < offsets->size(); ++i) {
      const std::string item = fmt::format("{}[{}]", path, i);
      const uint8_t* slot = vec + sizeof(uoffset_t) * (1 + i);
      if (!verifier_.VerifyOffset(slot - buffer_)) return fail(item, "offset points outside the buffer");
      const uint8_t* p = slot + flatbuffers::ReadScalar<uoffset_t>(slot);
      if (elem == reflection::String) {
        if (!verifier_.VerifyString(reinterpret_cast<const flatbuffers::String*>(p)))
          return fail(item, fmt::format("string at byte {} runs past the end of the buffer", at(p)));
      } else if (!table(reinterpret_cast<const Table*>(p), *schema_.objects()->Get(type.index()), item)) {
        return false;
      }
    }
    return true;
  }

  const reflection::Schema& schema_;
  const uint8_t* buffer_;
  size_t size_;
  flatbuffers::Verifier verifier_;
  std::string problem_;
};

}  // namespace

std::string locate_verification_failure(const reflection::Schema& schema, const uint8_t* buffer, size_t size) {
  return Locator(schema, buffer, size).run();
}

}  // namespace kiln::frontend
