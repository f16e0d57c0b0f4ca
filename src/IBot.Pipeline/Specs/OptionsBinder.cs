using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text;
using IBot.Pipeline.Abstractions.Components;

namespace IBot.Pipeline.Specs;

/// <summary>
/// Binds YAML to typed options: public settable properties, keyed by snake_case name (or
/// <see cref="OptionNameAttribute"/>), with full type checking, "did you mean" for unknown
/// keys, <see cref="RangeAttribute"/> and <see cref="RequiredAttribute"/>, and the options' own
/// <see cref="IValidatableOptions"/> checks. Every error is collected with its location.
/// </summary>
public sealed class OptionsBinder
{
    private readonly List<SpecError> errors = [];
    // An empty value (`data:`) for a property declared non-nullable is an error, as for value types:
    // bound as null it reached the validator's checks as a NullReferenceException.
    private readonly NullabilityInfoContext nullability = new();

    public IReadOnlyList<SpecError> Errors => errors;

    public static string KeyOf(PropertyInfo p) => p.GetCustomAttribute<OptionNameAttribute>()?.Name ?? SnakeCase(p.Name);

    public static IEnumerable<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.SetMethod!.IsPublic);

    /// <summary>Binds <paramref name="node"/> into a new <paramref name="type"/>; keys in <paramref name="ignore"/> are skipped.</summary>
    public object Bind(Type type, SpecNode node, string path, params string[] ignore)
    {
        var instance = Activator.CreateInstance(type) ?? throw new InvalidOperationException($"{type} has no parameterless constructor");
        if (node is not SpecMapping mapping)
        {
            if (node is not SpecScalar { IsNull: true })
                Error(node.Location, $"{Name(path)} must be a mapping, not {node.Describe()}");
            return instance;
        }
        var properties = Properties(type).ToDictionary(KeyOf, StringComparer.Ordinal);
        var errorsBefore = errors.Count;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in mapping.Entries)
        {
            if (ignore.Contains(key.Value)) continue;
            if (!properties.TryGetValue(key.Value, out var property))
            {
                Error(key.Location, $"unknown key '{Join(path, key.Value)}'{Suggestions.Hint(key.Value, properties.Keys)}");
                continue;
            }
            seen.Add(key.Value);
            var defaultKind = property.GetCustomAttribute<DefaultKindAttribute>()?.Kind;
            if (Convert(value, property.PropertyType, Join(path, key.Value), out var converted, nullability.Create(property), defaultKind))
            {
                property.SetValue(instance, converted);
                CheckRange(property, converted, value.Location, Join(path, key.Value));
                // [Required] text means some text, as DataAnnotations has it (AllowEmptyStrings is off by default).
                if (property.GetCustomAttribute<RequiredAttribute>() is { AllowEmptyStrings: false } && property.PropertyType == typeof(string) && string.IsNullOrWhiteSpace((string?)converted))
                    Error(value.Location, $"{Join(path, key.Value)} must not be empty");
            }
        }
        foreach (var (key, property) in properties)
            if (!seen.Contains(key) && property.GetCustomAttribute<RequiredAttribute>() is not null)
                Error(mapping.Location, $"{Name(path)} needs '{Join(path, key)}'");
        // Relations between fields are checked once the fields themselves are valid.
        if (instance is IValidatableOptions validatable && errors.Count == errorsBefore)
            foreach (var problem in validatable.Validate())
                Error(Locate(mapping, problem.Path), $"{Join(path, problem.Path)}: {problem.Message}");
        return instance;
    }

    public T Bind<T>(SpecNode node, string path, params string[] ignore) where T : class => (T)Bind(typeof(T), node, path, ignore);

    /// <remarks>declared: The nullability the property (or list item, or dictionary value) was declared with; null when unknown.
    /// defaultKind: for a component section, the kind it has when it gives none.</remarks>
    private bool Convert(SpecNode node, Type type, string path, out object? value, NullabilityInfo? declared, string? defaultKind = null)
    {
        value = null;
        if (type == typeof(SpecNode)) { value = node; return true; }   // raw YAML, null included: its reader checks it
        var underlying = Nullable.GetUnderlyingType(type);
        if (node is SpecScalar { IsNull: true })
        {
            if (underlying is not null || (!type.IsValueType && declared?.WriteState != NullabilityState.NotNull)) return true;
            return Fail(node, $"{path} cannot be null; expected {TypeName(type)}");
        }
        type = underlying ?? type;
        if (type == typeof(ComponentSpec)) return ConvertComponent(node, path, out value, defaultKind);
        if (type == typeof(string))
        {
            if (node is SpecScalar s) { value = s.Value; return true; }
            return Fail(node, $"{path} must be a string, not {node.Describe()}");
        }
        if (type.IsEnum)
        {
            if (node is SpecScalar s)
            {
                var match = Enum.GetNames(type).FirstOrDefault(n => SnakeCase(n) == s.Value || string.Equals(n, s.Value, StringComparison.OrdinalIgnoreCase));
                if (match is not null) { value = Enum.Parse(type, match); return true; }
                return Fail(node, $"{path}: '{s.Value}' is not allowed{Suggestions.Hint(s.Value, Enum.GetNames(type).Select(SnakeCase))}");
            }
            return Fail(node, $"{path} must be one of {string.Join(", ", Enum.GetNames(type).Select(SnakeCase))}");
        }
        if (IsScalarType(type))
        {
            if (node is not SpecScalar scalar) return Fail(node, $"{path} must be {TypeName(type)}, not {node.Describe()}");
            if (type == typeof(bool) && scalar.TryBool(out var b)) { value = b; return true; }
            if (type == typeof(int) && scalar.TryLong(out var l) && l is >= int.MinValue and <= int.MaxValue) { value = (int)l; return true; }
            if (type == typeof(long) && scalar.TryLong(out var l2)) { value = l2; return true; }
            if (type == typeof(double) && scalar.TryDouble(out var d)) { value = d; return true; }
            if (type == typeof(float) && scalar.TryDouble(out var f)) { value = (float)f; return true; }
            return Fail(node, $"{path} must be {TypeName(type)}, not {node.Describe()}");
        }
        if (ElementType(type) is { } element)
        {
            var items = node switch
            {
                SpecSequence seq => seq.Items,
                SpecScalar when IsScalarType(element) => [node], // a single value where a list is accepted
                _ => null,
            };
            if (items is null) return Fail(node, $"{path} must be a list, not {node.Describe()}");
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            var ok = true;
            for (var i = 0; i < items.Count; i++)
            {
                if (Convert(items[i], element, $"{path}[{i}]", out var item, type.IsArray ? declared?.ElementType : declared?.GenericTypeArguments.FirstOrDefault())) list.Add(item);
                else ok = false;
            }
            if (!ok) return false;
            if (type.IsArray)
            {
                var array = Array.CreateInstance(element, list.Count);
                list.CopyTo(array, 0);
                value = array;
            }
            else value = list;
            return true;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() is var g && (g == typeof(Dictionary<,>) || g == typeof(IReadOnlyDictionary<,>)) && type.GetGenericArguments()[0] == typeof(string))
        {
            if (node is not SpecMapping map) return Fail(node, $"{path} must be a mapping, not {node.Describe()}");
            var valueType = type.GetGenericArguments()[1];
            var dict = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), valueType))!;
            var ok = true;
            foreach (var (k, v) in map.Entries)
            {
                if (Convert(v, valueType, Join(path, k.Value), out var item, declared?.GenericTypeArguments.ElementAtOrDefault(1))) dict[k.Value] = item;
                else ok = false;
            }
            value = dict;
            return ok;
        }
        if (type.IsClass && type.GetConstructor(Type.EmptyTypes) is not null)
        {
            var before = errors.Count;
            value = Bind(type, node, path);
            return errors.Count == before;
        }
        throw new NotSupportedException($"option type {type} of {path} is not supported");
    }

    private bool ConvertComponent(SpecNode node, string path, out object? value, string? defaultKind)
    {
        value = null;
        if (node is not SpecMapping mapping) return Fail(node, $"{path} must be a mapping with a 'kind', not {node.Describe()}");
        if (mapping["kind"] is SpecScalar { IsNull: false } kind) value = new ComponentSpec(kind.Value, mapping);
        else if (mapping["kind"] is null && defaultKind is not null) value = new ComponentSpec(defaultKind, mapping);
        else return Fail(node, $"{path} needs a 'kind'");
        return true;
    }

    private void CheckRange(PropertyInfo property, object? value, SourceLocation location, string path)
    {
        if (property.GetCustomAttribute<RangeAttribute>() is not { } range || value is null) return;
        IEnumerable<object> values = value is IEnumerable e and not string ? e.Cast<object>() : [value];
        foreach (var v in values)
            if (!range.IsValid(v))
                Error(location, $"{path} = {System.Convert.ToString(v, CultureInfo.InvariantCulture)} is out of range [{range.Minimum}, {range.Maximum}]");
    }

    private static SourceLocation Locate(SpecMapping mapping, string path)
    {
        SpecNode current = mapping;
        foreach (var segment in path.Split('.'))
        {
            if (current is SpecMapping m && m[segment] is { } next) current = next;
            else break;
        }
        return current.Location;
    }

    private bool Fail(SpecNode node, string message)
    {
        Error(node.Location, message);
        return false;
    }

    private void Error(SourceLocation location, string message) => errors.Add(new SpecError(location, message));

    private static Type? ElementType(Type type)
    {
        if (type.IsArray) return type.GetElementType();
        if (type.IsGenericType && type.GetGenericTypeDefinition() is var g && (g == typeof(List<>) || g == typeof(IReadOnlyList<>) || g == typeof(IList<>)))
            return type.GetGenericArguments()[0];
        return null;
    }

    private static bool IsScalarType(Type t) => t == typeof(bool) || t == typeof(int) || t == typeof(long) || t == typeof(double) || t == typeof(float);

    public static string TypeName(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(int) || type == typeof(long)) return "an integer";
        if (type == typeof(double) || type == typeof(float)) return "a number";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(string)) return "a string";
        if (type.IsEnum) return string.Join(" | ", Enum.GetNames(type).Select(SnakeCase));
        if (ElementType(type) is { } e) return $"a list of {TypeName(e).Replace("an ", "", StringComparison.Ordinal).Replace("a ", "", StringComparison.Ordinal)}s";
        if (type == typeof(ComponentSpec)) return "a component ({kind: ...})";
        return "a mapping";
    }

    private static string Name(string path) => path.Length == 0 ? "the spec" : $"'{path}'";

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    public static string SnakeCase(string name)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1])))) sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
