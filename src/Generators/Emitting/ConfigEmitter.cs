using LayerGen.Generators.Models;
using LayerGen.SourceGeneration;

namespace LayerGen.Generators.Emitting;

/// <summary>
/// Writes the config half of a generated part, the same for every kind that has one (<c>[Layer]</c>,
/// <c>[KerasSerializable]</c>): <c>GetConfig</c> from the members, and the constructor call of
/// <c>FromConfig</c> that reads each parameter back with a <c>Config.ReadX</c> helper.
/// </summary>
internal static class ConfigEmitter
{
    private const string ConfigClass = "global::" + KnownNames.Config;
    private const string JsonObject = "global::System.Text.Json.Nodes.JsonObject";

    /// <summary>
    /// The <c>GetConfig</c> override: the base config, then every parameter the base does not write, in order (one
    /// parameter: one expression through <c>Config.With</c>).
    /// </summary>
    public static void WriteGetConfig(IndentedSourceWriter writer, ConfigInfo config)
    {
        writer.WriteLine("/// <inheritdoc/>");
        writer.WriteLine("public override " + JsonObject + " GetConfig()");
        var own = config.Parameters.Where(p => !p.WrittenByBase).ToList();
        if (own.Count == 1)
        {
            writer.Indent();
            writer.WriteLine("=> " + ConfigClass + ".With(base.GetConfig(), " + Naming.StringLiteral(own[0].Key) + ", " + WriteExpression(own[0]) + ");");
            writer.Unindent();
            return;
        }
        using (writer.Block())
        {
            writer.WriteLine("var config = base.GetConfig();");
            foreach (var p in config.Parameters.Where(p => !p.WrittenByBase))
                writer.WriteLine("config[" + Naming.StringLiteral(p.Key) + "] = " + WriteExpression(p) + ";");
            writer.WriteLine("return config;");
        }
    }

    /// <summary>
    /// Adds the config members of a generated part: a throwing <c>GetConfig</c> when constructor arguments are not
    /// kept (LG0003), otherwise <c>GetConfig</c>, <c>FromConfig</c> (written by <paramref name="writeFromConfig"/>,
    /// told whether <c>GetConfig</c> is in this part) and the registration (unless <paramref name="writeRegistration"/> is null: registered elsewhere), each where the model asks for it.
    /// </summary>
    public static void AddSections(List<Action> sections, IndentedSourceWriter writer, string className, ConfigInfo? config,
        Action<ConfigInfo, bool> writeFromConfig, Action? writeRegistration)
    {
        if (config is { NotKept.IsEmpty: false, EmitGetConfig: true })
        {
            sections.Add(() => WriteGetConfigNotKept(writer, className, config));
            return;
        }
        if (config is null)
            return;
        bool getConfig = config.EmitGetConfig && config.Parameters.Any(p => !p.WrittenByBase);
        if (getConfig)
            sections.Add(() => WriteGetConfig(writer, config));
        if (config.EmitFromConfig)
            sections.Add(() => writeFromConfig(config, getConfig));
        if (config.EmitRegistration && writeRegistration is not null)
            sections.Add(writeRegistration);
    }

    /// <summary>
    /// The <c>GetConfig</c> override of a class whose constructor arguments are not all kept (LG0003, a warning): it
    /// throws a <c>ConfigException</c> naming them, so saving fails with that message (Keras complains only when a
    /// config is needed).
    /// </summary>
    public static void WriteGetConfigNotKept(IndentedSourceWriter writer, string className, ConfigInfo config)
    {
        var names = config.NotKept.Select(n => "'" + n + "'").ToList();
        string arguments = names.Count == 1 ? "constructor argument " + names[0] + " is" : "constructor arguments " + string.Join(", ", names) + " are";
        string message = className + " has no config: " + arguments
            + " not kept in a member of the same name (LG0003), so it cannot be saved or cloned. Keep "
            + (names.Count == 1 ? "it" : "them") + " in a field or property, or override GetConfig.";
        writer.WriteLine("/// <summary>Throws: the config cannot be written, as constructor arguments are not kept (LG0003).</summary>");
        writer.WriteLine("public override " + JsonObject + " GetConfig()");
        writer.Indent();
        writer.WriteLine("=> throw new global::" + KnownNames.ConfigException + "(" + Naming.StringLiteral(message) + ");");
        writer.Unindent();
    }

    private static string WriteExpression(ConfigParameter p)
    {
        string helper = (p.Kind, p.Container) switch
        {
            (ConfigValueKind.Enum, ConfigContainer.None) => "WriteEnum",
            (ConfigValueKind.Enum, _) => "WriteEnums",
            (ConfigValueKind.Layer, ConfigContainer.None) => "WriteLayer",
            (ConfigValueKind.Layer, _) => "WriteLayers",
            _ => "Write",
        };
        return ConfigClass + "." + helper + "(" + p.Member + ")";
    }

    /// <summary>
    /// <c>{prefix}new T(a: Config.ReadX(...), ...)</c>: the constructor call that reads every parameter back,
    /// one named argument a line (one parameter: on the same line); <paramref name="terminator"/> ends the last line.
    /// </summary>
    public static void WriteConstruction(IndentedSourceWriter writer, string prefix, string typeName, ConfigInfo config, string cls, string terminator)
    {
        if (config.Parameters.Count <= 1)
        {
            string argument = config.Parameters.IsEmpty ? "" : config.Parameters[0].Name + ": " + ReadExpression(config.Parameters[0], cls);
            writer.WriteLine(prefix + "new " + typeName + "(" + argument + ")" + terminator);
            return;
        }
        writer.WriteLine(prefix + "new " + typeName + "(");
        writer.Indent();
        for (int i = 0; i < config.Parameters.Count; i++)
        {
            var p = config.Parameters[i];
            writer.WriteLine(p.Name + ": " + ReadExpression(p, cls) + (i == config.Parameters.Count - 1 ? ")" + terminator : ","));
        }
        writer.Unindent();
    }

    /// <summary>The <c>Config.ReadX</c> call that reads parameter <paramref name="p"/> back.</summary>
    private static string ReadExpression(ConfigParameter p, string cls)
    {
        string key = Naming.StringLiteral(p.Key);
        string args = "(config, " + key + ", " + cls + ")";
        string Call(string helper) => ConfigClass + "." + helper + args;
        string Generic(string helper) => ConfigClass + "." + helper + "<" + p.ElementType + ">" + args;
        string IfPresent(string read, string fallback) => "config.ContainsKey(" + key + ") ? " + read + " : " + fallback;
        string IfNotNull(string read) => "config[" + key + "] is null ? null : " + read;
        // Schedules live above the Config helpers (in Training): read through the generic Keras-object reader.
        string Schedule() => ConfigClass + ".ReadKerasObject<global::" + KnownNames.LearningRateSchedule + ">" + args;

        if (p.Container != ConfigContainer.None)
        {
            string required = RequiredListRead(p, Call, Generic);
            if (p.IsNullable)
            {
                if (p.Container == ConfigContainer.Array && ScalarName(p.Kind) is { } scalar && p.Kind != ConfigValueKind.DType)
                    return Call("Read" + scalar + "ArrayOrNull");
                return IfNotNull(required);
            }
            return p.DefaultValue is null ? required : IfPresent(required, p.DefaultValue);
        }

        bool hasDefault = p.DefaultValue is not null && !(p.IsNullable && p.DefaultValue == "null");
        if (p.Kind is ConfigValueKind.Json or ConfigValueKind.JsonObject)
        {
            string json = Call(p.Kind == ConfigValueKind.Json ? "ReadJson" : "ReadJsonObject") + (p.IsNullable ? "" : "!");
            return hasDefault ? IfPresent(json, p.DefaultValue!) : json;
        }
        if (p.IsNullable)
        {
            string orNull = p.Kind switch
            {
                ConfigValueKind.Enum => Generic("ReadEnumOrNull"),
                ConfigValueKind.Layer => Generic("ReadLayerOrNull"),
                ConfigValueKind.Shape => Call("ReadShapeOrNull"),
                ConfigValueKind.Activation or ConfigValueKind.Initializer or ConfigValueKind.Regularizer or ConfigValueKind.Constraint
                    => Call("Read" + p.Kind),
                ConfigValueKind.LearningRateSchedule => Schedule(),
                _ => Call("Read" + ScalarName(p.Kind) + "OrNull"),
            };
            return hasDefault ? IfPresent(orNull, p.DefaultValue!) : orNull;
        }

        string read = p.Kind switch
        {
            ConfigValueKind.Enum => Generic("ReadEnum"),
            ConfigValueKind.Layer => Generic("ReadLayer"),
            ConfigValueKind.Shape => Call("ReadShape"),
            ConfigValueKind.Activation or ConfigValueKind.Initializer or ConfigValueKind.Regularizer or ConfigValueKind.Constraint
                => Call("Read" + p.Kind) + "!",
            ConfigValueKind.LearningRateSchedule => Schedule() + "!",
            _ => Call("Read" + ScalarName(p.Kind)),
        };
        if (!hasDefault)
            return read;
        if (p.Kind is ConfigValueKind.Int32 or ConfigValueKind.Int64 or ConfigValueKind.Single or ConfigValueKind.Double
            or ConfigValueKind.Boolean or ConfigValueKind.DType)
            return Call("Read" + ScalarName(p.Kind)).TrimEnd(')') + ", " + p.DefaultValue + ")";
        if (p.Kind == ConfigValueKind.Enum)
            return Generic("ReadEnum").TrimEnd(')') + ", " + p.DefaultValue + ")";
        return IfPresent(read, p.DefaultValue!);
    }

    private static string RequiredListRead(ConfigParameter p, Func<string, string> call, Func<string, string> generic)
    {
        bool list = p.Container == ConfigContainer.List;
        switch (p.Kind)
        {
            case ConfigValueKind.Layer:
                return list ? generic("ReadLayerList") : generic("ReadLayerList") + ".ToArray()";
            case ConfigValueKind.Enum:
                return list
                    ? "new global::System.Collections.Generic.List<" + p.ElementType + ">(" + generic("ReadEnumArray") + ")"
                    : generic("ReadEnumArray");
            case ConfigValueKind.Shape:
                return list
                    ? "new global::System.Collections.Generic.List<global::" + KnownNames.Shape + ">(" + call("ReadShapeArray") + ")"
                    : call("ReadShapeArray");
            default:
                return call("Read" + ScalarName(p.Kind) + (list ? "List" : "Array"));
        }
    }

    /// <summary>The type part of the <c>Config.ReadX</c> names (<c>Int32</c>, <c>Single</c>, ...).</summary>
    private static string? ScalarName(ConfigValueKind kind) => kind switch
    {
        ConfigValueKind.Int32 => "Int32",
        ConfigValueKind.Int64 => "Int64",
        ConfigValueKind.Single => "Single",
        ConfigValueKind.Double => "Double",
        ConfigValueKind.Boolean => "Boolean",
        ConfigValueKind.String => "String",
        ConfigValueKind.DType => "DType",
        _ => null,
    };
}
