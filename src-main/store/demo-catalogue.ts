/**
 * Vocabulary of the embedded demo dataset: one entry per planted intent, with enough words to
 * give every item a distinct title, a category, a brand, a price range and a description, so
 * prompt templates have something real-looking to render.
 */
export interface IntentVocabulary {
  intent: string;
  category: string;
  brands: string[];
  adjectives: string[];
  nouns: string[];
  /** Price range in dollars. */
  price: [number, number];
  /** Sentence fragment: "Ideal when <purpose>." */
  purpose: string;
  /** Intents whose shoppers also buy this intent's items (shared items). */
  related: string[];
  /** Relative share of users following this intent (long tail over intents). */
  weight: number;
}

export const DEMO_INTENTS: IntentVocabulary[] = [
  {
    intent: 'assembling a computer',
    category: 'Electronics > Computer Components',
    brands: ['Corsa', 'Nexbyte', 'Thermion', 'Vantix'],
    adjectives: ['high-speed', 'modular', 'silent', 'RGB', 'low-profile', 'overclockable', 'compact', 'dual-channel'],
    nouns: ['graphics card', 'CPU cooler', 'power supply', 'motherboard', 'DDR5 memory kit', 'NVMe SSD', 'PC case', 'case fan', 'thermal paste', 'SATA cable', 'wifi card', 'processor'],
    price: [8, 650],
    purpose: 'building or upgrading a desktop PC',
    related: ['home office'],
    weight: 1.3,
  },
  {
    intent: 'back to school',
    category: 'Office & School Supplies',
    brands: ['Scriba', 'Penwell', 'Classmate', 'Brightly'],
    adjectives: ['colourful', 'refillable', 'spiral', 'durable', 'pastel', 'erasable', 'ruled', 'washable'],
    nouns: ['notebook', 'backpack', 'pencil case', 'gel pens', 'highlighters', 'binder', 'scientific calculator', 'lunch box', 'ruler set', 'index cards', 'glue sticks', 'sketchbook'],
    price: [2, 80],
    purpose: 'getting ready for a new school year',
    related: ['home office'],
    weight: 1.6,
  },
  {
    intent: 'camping trip',
    category: 'Sports & Outdoors > Camping',
    brands: ['Summitra', 'Trailhead', 'Northpine', 'Emberlite'],
    adjectives: ['waterproof', 'ultralight', 'insulated', 'foldable', 'two-person', 'rechargeable', 'windproof', 'packable'],
    nouns: ['tent', 'sleeping bag', 'headlamp', 'camp stove', 'water filter', 'camping chair', 'lantern', 'cooler', 'sleeping pad', 'trekking poles', 'dry bag', 'mess kit'],
    price: [6, 320],
    purpose: 'spending nights outdoors',
    related: ['fitness routine', 'gardening'],
    weight: 1.2,
  },
  {
    intent: 'baking',
    category: 'Home & Kitchen > Bakeware',
    brands: ['Crumbly', 'Ovenhaus', 'Whiskwell', 'Sugarloaf'],
    adjectives: ['non-stick', 'silicone', 'heavy-gauge', 'springform', 'reusable', 'stackable', 'heat-resistant', 'stainless'],
    nouns: ['cake pan', 'stand mixer', 'measuring cups', 'piping bags', 'cooling rack', 'rolling pin', 'muffin tin', 'baking mat', 'loaf pan', 'kitchen scale', 'cookie cutters', 'pastry brush'],
    price: [4, 380],
    purpose: 'baking bread, cakes and cookies at home',
    related: ['new baby'],
    weight: 1.0,
  },
  {
    intent: 'new baby',
    category: 'Baby Products',
    brands: ['Cuddlebug', 'Lullabee', 'Tinytoes', 'Nestling'],
    adjectives: ['organic', 'hypoallergenic', 'anti-colic', 'soft', 'convertible', 'BPA-free', 'gentle', 'portable'],
    nouns: ['baby bottles', 'swaddle blanket', 'diaper bag', 'baby monitor', 'crib sheet', 'pacifiers', 'bouncer', 'bath tub', 'teething ring', 'onesies', 'stroller', 'changing pad'],
    price: [5, 450],
    purpose: 'welcoming a newborn',
    related: ['baking'],
    weight: 0.9,
  },
  {
    intent: 'home office',
    category: 'Office Products > Furniture & Electronics',
    brands: ['Deskly', 'Ergonom', 'Workfort', 'Lumen'],
    adjectives: ['ergonomic', 'adjustable', 'wireless', 'noise-cancelling', 'dimmable', 'standing', 'ultra-wide', 'cable-free'],
    nouns: ['office chair', 'desk lamp', 'monitor', 'webcam', 'keyboard', 'mouse', 'headset', 'monitor arm', 'desk mat', 'docking station', 'footrest', 'filing cabinet'],
    price: [10, 700],
    purpose: 'working from home comfortably',
    related: ['assembling a computer', 'back to school'],
    weight: 1.1,
  },
  {
    intent: 'fitness routine',
    category: 'Sports & Outdoors > Exercise & Fitness',
    brands: ['Pulsefit', 'Ironleaf', 'Stridex', 'Corelab'],
    adjectives: ['adjustable', 'non-slip', 'resistance', 'quick-dry', 'cushioned', 'insulated', 'smart', 'heavy-duty'],
    nouns: ['yoga mat', 'dumbbells', 'resistance bands', 'jump rope', 'foam roller', 'water bottle', 'fitness tracker', 'kettlebell', 'running shoes', 'pull-up bar', 'gym bag', 'protein shaker'],
    price: [5, 250],
    purpose: 'keeping a regular workout habit',
    related: ['camping trip'],
    weight: 1.0,
  },
  {
    intent: 'gardening',
    category: 'Patio, Lawn & Garden',
    brands: ['Greenthumb', 'Rootwise', 'Bloomfield', 'Sproutly'],
    adjectives: ['galvanized', 'ergonomic', 'self-watering', 'organic', 'weatherproof', 'telescopic', 'biodegradable', 'raised'],
    nouns: ['pruning shears', 'garden hose', 'seed starter kit', 'watering can', 'planter box', 'potting soil', 'garden gloves', 'trowel', 'compost bin', 'plant labels', 'kneeling pad', 'rake'],
    price: [3, 200],
    purpose: 'growing vegetables and flowers',
    related: ['camping trip'],
    weight: 0.8,
  },
];

/** Everyday items anyone buys: the noise between planted intents. */
export const GENERAL_ITEMS = {
  intent: 'general',
  category: 'Everyday Essentials',
  brands: ['Basics+', 'Dailygood'],
  adjectives: ['multipack', 'travel-size', 'value', 'assorted'],
  nouns: ['AA batteries', 'packing tape', 'gift card', 'phone charger', 'hand soap', 'paper towels', 'snack box', 'umbrella', 'USB cable', 'trash bags'],
  price: [2, 40] as [number, number],
  purpose: 'everyday needs',
};
