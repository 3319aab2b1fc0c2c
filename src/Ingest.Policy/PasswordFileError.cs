namespace Ingest.Policy;

/// <summary>
/// One problem found in a password file. <see cref="Line"/> is 1-based, 0 for the file as a whole.
/// <see cref="Message"/> is for the operator: it quotes no hash and no line content, since the
/// host logs it and the file holds secrets.
/// </summary>
public sealed record PasswordFileError(int Line, PasswordFileProblem Problem, string Message, PasswordHashError HashError = PasswordHashError.None)
{
    public override string ToString() => Line > 0 ? $"line {Line}: {Message}" : Message;
}
