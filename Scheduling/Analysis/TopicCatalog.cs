using System.Collections.Frozen;
using TwilioFeedback.Resources;

namespace TwilioFeedback.Scheduling.Analysis;

/// <summary>
/// The topics a comment can be about, each with its words (folded; <c>attend*</c> is a prefix, words with a
/// space are a phrase): the built-in ones below plus <see cref="AnalysisOptions.Topics"/>, which adds words
/// to a built-in topic of the same name or adds a topic (a department: maternity, pharmacy, emergency…).
/// </summary>
public sealed class TopicCatalog
{
    /// <summary>The built-in topics, in the order they are reported.</summary>
    public static readonly IReadOnlyDictionary<string, string> BuiltIn = new Dictionary<string, string>
    {
        ["waiting_time"] = "attente attendre attendu* attends attend attendons attendait jattend* file queue heures lent lente lents lenteur* " +
            "rapide* vite retard* delai* longtemps interminable* tout_de_suite depuis_le_matin toute_la_matinee sans_attendre " +
            "wait* queue* hours slow* fast quick* immediately straight_away right_away delay* forever on_time same_day since_morning all_morning",
        ["staff_attitude"] = "gentil* aimable* accueil* chaleureu* souriant* sourire poli polie polis polies impoli* courtois* respect* irrespect* " +
            "mepris* arrogan* insult* crie* crier hurl* mechant* agressi* brutal* grossier* desagreable* humili* serviable* devoue* attentif* " +
            "attentionne* patience humain* paresseu* fache* ignor* nient niez nies chass* kongossa gifl* frapp* saoul* ivre tchoko gombo infirmi* " +
            "personnel staff agent agents caissier* vigile* garde securite secretaire* sage_femme sages_femmes major urgentiste* stagiaire* aide* encourag* " +
            "kind* friendly unfriendly rude* polite impolite disrespect* shout* yell* welcom* smil* caring cared lazy angry gentle warm warmly " +
            "humane devoted hardworking nurse* midwife midwives guard guards security cashier secretary matron interns receptionist reception " +
            "drunk slapped bribe* chased helped supported lovely",
        ["cleanliness"] = "sale sales salete propre* proprete nettoy* lave* hygien* odeur* pue puent puant* crasseu* insalubr* cafard* moustique* " +
            "poubelle* ordure* draps drap degoutant* malpropre dechet* tache* sang mouche* toilette* wc douche* urine sent_bon sent_mauvais " +
            "dirty dirt* clean* filth* smell* stink* hygien* cockroach* mosquito* nets rubbish bins garbage sheets toilet* mop* spotless " +
            "disgusting stained tidy flies blood",
        ["cost"] = "cher chere chers cheres prix argent pay* paie* paye* paient frais facture* factur* cout* tarif* abordable* raisonnable* " +
            "gratuit* caisse ticket fortune yeux_de_la_tete tchoko gombo assurance rembours* salee exorbitant* fcfa francs vendre augmente " +
            "cost* expensive price* paid fee fees bill* money cash charge* cheap* affordable free insurance refund* bribe* overpriced afford sell",
        ["medication"] = "medicament* medoc* pharmac* ordonnance* comprime* sirop insuline paracetamol traitement produits generique* injection* " +
            "perfusion* rupture* medicine* drug* tablet* pill* prescription insulin treatment supplies out_of_stock syrup",
        ["communication"] = "expliqu* explication* inform* renseign* telephone appele rappel* sms numero standard decroche* repondent compris " +
            "comprendre comprends langue anglais indication* affiche* orient* resultat* dire dise dit " +
            "explain* explanation* inform* told tell* phone sms reminder number answer* understood understand language signs lost results " +
            "side_effects going_on happening",
        ["equipment_facilities"] = "lit lits matelas chaise* fauteuil* brancard* scanner radio appareil* machine* equipe equipee equipes equipees " +
            "courant electricite lumiere electrogene generateur eau robinet ascenseur* escalier* climatis* ventilateur* chambre* batiment* bloc " +
            "parking cass* panne " +
            "bed beds mattress* chair* wheelchair* stretcher ray machine* equipment equipped electricity power light* generator water tap lift " +
            "elevator stairs upstairs air_conditioning fan fans rooms building* theatre broken",
        ["consultation"] = "consult* examine examinee examiner ausculte* diagnostic* docteur docta docteurs medecin* chirurgien* pediatre* " +
            "gynecolog* operation opere* soins suivi " +
            "consultation examined examining examination diagnos* doctor* doc surgeon* paediatrician* gynaecologist* operation care follow",
    };

    /// <summary>Phrases whose words say nothing of a topic ("salle d'attente" is a room, not a wait).</summary>
    private static readonly string[][] Masked = [["salle", "d", "attente"], ["salle", "attente"], ["waiting", "room"], ["waiting", "area"]];

    private readonly string[] _names;
    private readonly FrozenDictionary<string, int[]> _exact;
    private readonly (string Prefix, int Topic)[] _prefixes;
    private readonly (string[] Words, int Topic)[] _phrases;

    public TopicCatalog(AnalysisOptions options)
    {
        var topics = BuiltIn.ToDictionary(t => t.Key, t => t.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Replace('_', ' ')).ToList());
        foreach (var (name, words) in options.Topics)
        {
            if (!topics.TryGetValue(name, out var list))
            {
                topics[name] = list = [];
            }
            list.AddRange(words);
        }
        _names = [.. topics.Keys];
        var exact = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var prefixes = new List<(string, int)>();
        var phrases = new List<(string[], int)>();
        for (var i = 0; i < _names.Length; i++)
        {
            foreach (var raw in topics[_names[i]])
            {
                var word = Folding.Fold(raw.Trim());
                if (word.Contains(' ', StringComparison.Ordinal) || word.Contains('-', StringComparison.Ordinal) || word.Contains('\'', StringComparison.Ordinal))
                {
                    phrases.Add(([.. CommentTokens.Read(word)], i));
                }
                else if (word.EndsWith('*'))
                {
                    prefixes.Add((word[..^1], i));
                }
                else
                {
                    (exact.TryGetValue(word, out var list) ? list : exact[word] = []).Add(i);
                }
            }
        }
        _exact = exact.ToFrozenDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
        _prefixes = [.. prefixes];
        _phrases = [.. phrases];
    }

    /// <summary>Every topic's name, built-in ones first.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>The topics the words speak of, in catalogue order.</summary>
    public List<string> Find(List<string> tokens)
    {
        Span<bool> found = stackalloc bool[_names.Length];
        for (var t = 0; t < tokens.Count; t++)
        {
            if (Masked.FirstOrDefault(m => Matches(tokens, t, m)) is { } masked)
            {
                t += masked.Length - 1;
                continue;
            }
            var token = tokens[t];
            if (_exact.TryGetValue(token, out var topics))
            {
                foreach (var topic in topics)
                {
                    found[topic] = true;
                }
            }
            foreach (var (prefix, topic) in _prefixes)
            {
                if (!found[topic] && token.StartsWith(prefix, StringComparison.Ordinal))
                {
                    found[topic] = true;
                }
            }
            foreach (var (words, topic) in _phrases)
            {
                if (!found[topic] && words.Length > 0 && words[0] == token && Matches(tokens, t, words))
                {
                    found[topic] = true;
                }
            }
        }
        var result = new List<string>();
        for (var i = 0; i < _names.Length; i++)
        {
            if (found[i])
            {
                result.Add(_names[i]);
            }
        }
        return result;
    }

    internal static bool Matches(List<string> tokens, int at, string[] words)
    {
        if (at + words.Length > tokens.Count)
        {
            return false;
        }
        for (var i = 0; i < words.Length; i++)
        {
            if (tokens[at + i] != words[i])
            {
                return false;
            }
        }
        return true;
    }
}
